using System.Text.Json.Serialization;

namespace ClickPredict.Cli.Demo;

/// <summary>What a demo run did, printed at its end (and by <c>--json</c> for scripts and tests).</summary>
internal sealed record DemoSummary
{
    public double Seconds { get; init; }

    public int TargetQps { get; init; }

    public int Seed { get; init; }

    public bool Drift { get; init; }

    public bool Interrupted { get; init; }

    public long Requests { get; init; }

    public long Bids { get; init; }

    public long Wins { get; init; }

    public long Clicks { get; init; }

    public decimal SpendUsd { get; init; }

    /// <summary>Requests that failed (transport errors, unexpected status codes) and notices refused.</summary>
    public long Errors { get; init; }

    /// <summary>Requests the client skipped because too many auctions were in flight.</summary>
    public long Skipped { get; init; }

    public double? ClientP50Ms { get; init; }

    public double? ClientP99Ms { get; init; }

    public long ExamplesJoined { get; init; }

    public long ExamplesLearned { get; init; }

    /// <summary>Models the trainer published to the registry.</summary>
    public int ModelsPublished { get; init; }

    /// <summary>Times the bidder's serving model changed (hot-swaps).</summary>
    public int Swaps { get; init; }

    /// <summary>Each model the bidder served, in order, with its live log loss against the best possible on the same impressions.</summary>
    public IReadOnlyList<ServedModel> Models { get; init; } = [];

    /// <summary>
    /// The gap to the best possible log loss of every model served after the first, their impressions
    /// pooled (null until they have served enough of them); see <see cref="DemoRunner.Judge"/>.
    /// </summary>
    public double? PublishedGap { get; init; }

    /// <summary>Whether the models served after the first, together, are closer to the best possible log loss than the first.</summary>
    public bool LiveLogLossImproved { get; init; }

    /// <summary>The served model's live calibration over the run (null without a live series).</summary>
    public DemoCalibration? LiveCalibration { get; init; }

    /// <summary>Bidders behind the simulated exchange.</summary>
    public int Bidders { get; init; } = 1;

    /// <summary>Each campaign's budget and what the exchange charged it (the clearing prices of its impressions).</summary>
    public IReadOnlyList<CampaignSummary> Campaigns { get; init; } = [];

    public NoticeSummary Notices { get; init; } = new();

    /// <summary>How fast spend travelled between the bidders: what the overspend bound is made of.</summary>
    public FleetTiming Fleet { get; init; } = new();

    /// <summary>The first-price auctions of the live run: wins, spend, value won, surplus and what priced them.</summary>
    public ShadingSummary? Shading { get; init; }

    /// <summary>The bidder stopped and started again in the middle of the run, if one was (<c>--restart-bidder-at</c>).</summary>
    public BidderRestart? Restart { get; init; }

    public long Warnings { get; init; }

    public long LoggedErrors { get; init; }

    public IReadOnlyList<string> RecentLog { get; init; } = [];
}

/// <summary>
/// A model's share of the live series: the impressions won while it served (whose labels are known), the
/// log loss of its served pCTRs on them, and that of the hidden true CTRs (the best possible).
/// </summary>
internal sealed record ServedModel
{
    public required string Label { get; init; }

    public long Impressions { get; init; }

    public long Clicks { get; init; }

    public double? LiveLogLoss { get; init; }

    public double? BestLogLoss { get; init; }

    /// <summary>Live minus best: how far the model is from what a perfect one would score.</summary>
    public double? Gap => LiveLogLoss - BestLogLoss;
}

/// <summary>One campaign: its daily budget, what the exchange charged it, and what the bidders' ledgers booked for it.</summary>
internal sealed record CampaignSummary
{
    public required string Id { get; init; }

    public decimal BudgetUsd { get; init; }

    /// <summary>The simulated exchange's own count of the clearing prices it charged (not the bidders' ledgers).</summary>
    public decimal SpentUsd { get; init; }

    /// <summary>The most any bidder's ledger booked for the campaign at the end (every bidder should book what the exchange charged).</summary>
    public decimal? LedgerUsd { get; init; }

    /// <summary>Bids the exchange received for the campaign.</summary>
    public long Bids { get; init; }

    /// <summary>The fleet's bids a second for the campaign, from its first bid to its last.</summary>
    public double? BidsPerSecond { get; init; }

    public decimal MaxCpmUsd { get; init; }

    /// <summary>
    /// The most the fleet could spend past the budget (docs/SCALING.md): every bid placed while the budget's
    /// crossing was still travelling wins at the campaign's max CPM, bids/s x (notice delay + read-back lag) x max CPM / 1000.
    /// </summary>
    public decimal? OverspendBoundUsd { get; init; }
}

/// <summary>The delays the overspend bound is made of, as measured in the run.</summary>
internal sealed record FleetTiming
{
    /// <summary>The longest read-back lag a bidder saw (a notice accepted anywhere to its event read there), ms.</summary>
    public double? LagMaxMs { get; init; }

    /// <summary>The worst bidder's 99th percentile of it, ms.</summary>
    public double? LagP99Ms { get; init; }

    /// <summary>The longest time from a bid request being sent to its win notice being answered, ms.</summary>
    public long NoticeDelayMaxMs { get; init; }
}

/// <summary>Win notices as the exchange sent them, and how many the fleet charged twice or not at all.</summary>
internal sealed record NoticeSummary
{
    /// <summary>First win notices sent.</summary>
    public long Sent { get; init; }

    /// <summary>Win notices sent a second time, to another bidder.</summary>
    public long Replayed { get; init; }

    /// <summary>Replays refused as such (409): the bidder had read the first one back.</summary>
    public long ReplaysRefused { get; init; }

    /// <summary>Replays a bidder took (204) before it could have read the first one back: logged twice, charged once.</summary>
    public long ReplaysTaken { get; init; }

    /// <summary>
    /// Impressions a bidder's ledger booked beyond the impressions the exchange served (won auctions whose
    /// notice was accepted): a notice charged twice. The most over the bidders; 0 when charged once.
    /// </summary>
    public long ChargedTwice { get; init; }

    /// <summary>Impressions the exchange served that a bidder's ledger did not book (an event lost). The most over the bidders.</summary>
    public long NotCharged { get; init; }
}

/// <summary>A bidder stopped and started again during the run, and what it knew of the fleet's spend either side.</summary>
internal sealed record BidderRestart
{
    public int Bidder { get; init; }

    public double AtSeconds { get; init; }

    /// <summary>From being taken out of the load balancer to being back in it, ready.</summary>
    public double DownSeconds { get; init; }

    /// <summary>Its view of today's spend (all campaigns) just before it stopped.</summary>
    public decimal? SpentBeforeUsd { get; init; }

    /// <summary>The new process's view of today's spend when it said ready (read back from the fleet's topic).</summary>
    public decimal? SpentAtReadyUsd { get; init; }

    /// <summary>What the exchange had charged in all at that moment.</summary>
    public decimal ExchangeSpentAtReadyUsd { get; init; }

    /// <summary>Impression events the new process read back before it said ready.</summary>
    public long? ImpressionsReadBack { get; init; }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DemoSummary))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
