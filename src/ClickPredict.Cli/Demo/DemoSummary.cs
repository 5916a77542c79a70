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

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DemoSummary))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
