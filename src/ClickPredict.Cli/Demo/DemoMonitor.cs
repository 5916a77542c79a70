using System.Net.Http.Json;
using System.Text.Json;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// Reads what an operator would: each bidder's <c>/status.json</c> (serving model, live series, publishes
/// and decisions, its view of the fleet's spend) and the trainer's <c>/status</c>, and notes every change
/// of the serving model the first bidder reports (a hot-swap). The live series of all bidders, including
/// those of bidder processes since stopped, are merged into one (<see cref="Bidder"/>).
/// </summary>
internal sealed class DemoMonitor
{
    private readonly DemoBidders _bidders;
    private readonly HttpClient _trainer;
    private readonly BidderState?[] _states;
    private readonly List<BidderState> _retired = [];
    private readonly List<string> _served = [];

    /// <summary>One bidder.</summary>
    public DemoMonitor(HttpClient bidder, HttpClient trainer)
        : this(new DemoBidders([bidder]), trainer)
    {
    }

    public DemoMonitor(DemoBidders bidders, HttpClient trainer)
    {
        _bidders = bidders;
        _trainer = trainer;
        _states = new BidderState?[bidders.Count];
    }

    /// <summary>Serving models in the order the first bidder served them (the first is the one it started with).</summary>
    public IReadOnlyList<string> Served => _served;

    /// <summary>Times the first bidder's serving model changed while the demo watched.</summary>
    public int Swaps => Math.Max(0, _served.Count - 1);

    /// <summary>
    /// The first bidder's serving model, publishes and decisions, with the live series of every bidder merged
    /// (bucket by bucket and model by model); null before the first answer.
    /// </summary>
    public BidderState? Bidder { get; private set; }

    /// <summary>Each bidder's last answer, by slot (null: none yet, or retired).</summary>
    public IReadOnlyList<BidderState?> Bidders => _states;

    public TrainerState? Trainer { get; private set; }

    /// <summary>Polls every service once; a service that does not answer keeps its last state.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        for (var slot = 0; slot < _states.Length; slot++)
        {
            await PollBidderAsync(slot, cancellationToken).ConfigureAwait(false);
        }

        Bidder = Merge();
        if (Bidder?.Serving is { } serving && (_served.Count == 0 || _served[^1] != serving))
        {
            _served.Add(serving);
        }

        try
        {
            Trainer = await _trainer.GetFromJsonAsync<TrainerState>("/status", JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
        }
    }

    /// <summary>Polls bidder <paramref name="slot"/> once more and keeps its series: its process is about to stop.</summary>
    public async Task RetireAsync(int slot, CancellationToken cancellationToken)
    {
        await PollBidderAsync(slot, cancellationToken).ConfigureAwait(false);
        if (_states[slot] is { } last)
        {
            _retired.Add(last);
        }

        _states[slot] = null;
    }

    /// <summary>Bidder <paramref name="slot"/>'s status now, or null when it does not answer.</summary>
    public async Task<BidderState?> PollBidderAsync(int slot, CancellationToken cancellationToken)
    {
        // A bidder that does not answer is shown as it last was: the next poll tries again.
        var state = await StatusAsync(_bidders.Client(slot), cancellationToken).ConfigureAwait(false);
        if (state is not null)
        {
            _states[slot] = state;
        }

        return state;
    }

    /// <summary>A bidder's <c>/status.json</c>, or null when it does not answer (or not as a bidder would).</summary>
    public static async Task<BidderState?> StatusAsync(HttpClient bidder, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await bidder.GetByteArrayAsync("/status.json", cancellationToken).ConfigureAwait(false));
            return BidderState.From(document.RootElement);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException)
        {
            return null;
        }
    }

    private BidderState? Merge()
    {
        var first = _states[0] ?? _retired.FirstOrDefault();
        if (first is null)
        {
            return null;
        }

        var series = _states.Where(s => s is not null).Concat(_retired).SelectMany(s => s!.Series)
            .GroupBy(b => (b.StartUnixMs, b.Model))
            .Select(g => StatusBucket.Merge(g.ToList()))
            .OrderBy(b => b.StartUnixMs)
            .ToList();
        return first with { Series = series };
    }
}

/// <summary>The parts of the bidder's <c>/status.json</c> the demo shows.</summary>
internal sealed record BidderState(string? Serving, int Publishes, IReadOnlyList<StatusBucket> Series, IReadOnlyList<DecisionLine> Decisions, FleetSpend? Fleet = null)
{
    public static BidderState From(JsonElement root)
    {
        string? serving = null;
        if (root.TryGetProperty("model", out var model) && model.TryGetProperty("serving", out var s) && s.ValueKind == JsonValueKind.Object)
        {
            serving = s.GetProperty("label").GetString();
        }

        var series = new List<StatusBucket>();
        foreach (var point in root.GetProperty("series").EnumerateArray())
        {
            series.Add(new StatusBucket(
                point.GetProperty("startUnixMs").GetInt64(),
                Long(point, "requests"),
                Long(point, "bids"),
                Double(point, "p50Ms"),
                Double(point, "p99Ms"),
                Long(point, "impressions"),
                Long(point, "clicks"),
                Double(point, "logLoss"),
                Double(point, "calibration"),
                point.TryGetProperty("model", out var m) ? m.GetString() : null,
                Double(point, "meanPctr")));
        }

        var decisions = new List<DecisionLine>();
        if (root.TryGetProperty("decisions", out var list))
        {
            foreach (var d in list.EnumerateArray())
            {
                decisions.Add(new DecisionLine(
                    d.GetProperty("atUtc").GetDateTimeOffset(),
                    d.GetProperty("decision").GetString() ?? string.Empty,
                    d.TryGetProperty("reasons", out var r) ? [.. r.EnumerateArray().Select(x => x.GetString() ?? string.Empty)] : [],
                    d.TryGetProperty("label", out var l) ? l.GetString() : null));
            }
        }

        var publishes = root.TryGetProperty("publishes", out var p) ? p.GetArrayLength() : 0;
        return new BidderState(serving, publishes, series, decisions, root.TryGetProperty("fleet", out var fleet) ? FleetSpend.From(fleet) : null);
    }

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static double? Double(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

/// <summary>One point of the bidder's live series.</summary>
internal sealed record StatusBucket(long StartUnixMs, long Requests, long Bids, double? P50Ms, double? P99Ms, long Impressions, long Clicks, double? LogLoss, double? Calibration, string? Model, double? MeanPctr = null)
{
    /// <summary>
    /// Several bidders' points of one bucket and model as one: counts added, log loss and calibration
    /// weighted by impressions, the median by requests, and the worst p99 (percentiles do not add).
    /// </summary>
    public static StatusBucket Merge(IReadOnlyList<StatusBucket> points)
    {
        if (points.Count == 1)
        {
            return points[0];
        }

        var impressions = points.Sum(p => p.Impressions);
        var requests = points.Sum(p => p.Requests);
        return new StatusBucket(
            points[0].StartUnixMs,
            requests,
            points.Sum(p => p.Bids),
            Weighted(points, p => p.P50Ms, p => p.Requests),
            points.Max(p => p.P99Ms),
            impressions,
            points.Sum(p => p.Clicks),
            Weighted(points, p => p.LogLoss, p => p.Impressions),
            Weighted(points, p => p.Calibration, p => p.Impressions),
            points[0].Model,
            Weighted(points, p => p.MeanPctr, p => p.Impressions));
    }

    private static double? Weighted(IReadOnlyList<StatusBucket> points, Func<StatusBucket, double?> value, Func<StatusBucket, long> weight)
    {
        double sum = 0, weights = 0;
        foreach (var point in points)
        {
            if (value(point) is { } v && weight(point) > 0)
            {
                sum += v * weight(point);
                weights += weight(point);
            }
        }

        return weights > 0 ? sum / weights : null;
    }
}

/// <summary>A bidder's view of today's spend (<c>fleet</c> in its <c>/status.json</c>).</summary>
internal sealed record FleetSpend(string State, bool Ready, IReadOnlyList<CampaignSpend> Campaigns, long EventsRead, long Charged, long Duplicates, int PendingCharges, double? LagP99Ms, double? LagMaxMs)
{
    public static FleetSpend From(JsonElement fleet) => new(
        fleet.GetProperty("state").GetString() ?? string.Empty,
        fleet.GetProperty("ready").GetBoolean(),
        [.. fleet.GetProperty("campaigns").EnumerateArray().Select(c => new CampaignSpend(
            c.GetProperty("id").GetString() ?? string.Empty,
            c.GetProperty("budgetUsd").GetDecimal(),
            c.GetProperty("maxCpmUsd").GetDecimal(),
            c.GetProperty("spentUsd").GetDecimal(),
            c.GetProperty("pendingUsd").GetDecimal()))],
        fleet.GetProperty("eventsRead").GetInt64(),
        fleet.GetProperty("charged").GetInt64(),
        fleet.GetProperty("duplicates").GetInt64(),
        fleet.GetProperty("pendingCharges").GetInt32(),
        fleet.TryGetProperty("lagP99Ms", out var p99) && p99.ValueKind == JsonValueKind.Number ? p99.GetDouble() : null,
        fleet.TryGetProperty("lagMaxMs", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetDouble() : null);

    /// <summary>Spent today by all campaigns as this bidder sees it.</summary>
    public decimal SpentUsd => Campaigns.Sum(c => c.SpentUsd);
}

/// <summary>One campaign's spend as one bidder sees it.</summary>
internal sealed record CampaignSpend(string Id, decimal BudgetUsd, decimal MaxCpmUsd, decimal SpentUsd, decimal PendingUsd);

/// <summary>One retrain decision, as the bidder's status shows it.</summary>
internal sealed record DecisionLine(DateTimeOffset AtUtc, string Decision, IReadOnlyList<string> Reasons, string? Label);

/// <summary>The trainer's <c>/status</c> (with the auctions its joiner holds and the broker outages it saw, which tests wait on).</summary>
internal sealed record TrainerState(long ExamplesEmitted, long ExamplesConsumed, long ExamplesLearned, int Published, string? Champion, string? Failure, long JoinerPending = 0, long JoinerOutages = 0);
