using System.Net.Http.Json;
using System.Text.Json;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// Reads what an operator would: the bidder's <c>/status.json</c> (serving model, live series,
/// publishes and decisions) and the trainer's <c>/status</c>, and notes every change of the serving
/// model the bidder reports (a hot-swap).
/// </summary>
internal sealed class DemoMonitor(HttpClient bidder, HttpClient trainer)
{
    private readonly List<string> _served = [];

    /// <summary>Serving models in the order the bidder served them (the first is the one it started with).</summary>
    public IReadOnlyList<string> Served => _served;

    /// <summary>Times the bidder's serving model changed while the demo watched.</summary>
    public int Swaps => Math.Max(0, _served.Count - 1);

    public BidderState? Bidder { get; private set; }

    public TrainerState? Trainer { get; private set; }

    /// <summary>Polls both services once; a service that does not answer keeps its last state.</summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await bidder.GetByteArrayAsync("/status.json", cancellationToken).ConfigureAwait(false));
            Bidder = BidderState.From(document.RootElement);
            if (Bidder.Serving is { } serving && (_served.Count == 0 || _served[^1] != serving))
            {
                _served.Add(serving);
            }
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Shown as stale: the next poll tries again.
        }

        try
        {
            Trainer = await trainer.GetFromJsonAsync<TrainerState>("/status", JsonSerializerOptions.Web, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException)
        {
        }
    }
}

/// <summary>The parts of the bidder's <c>/status.json</c> the demo shows.</summary>
internal sealed record BidderState(string? Serving, int Publishes, IReadOnlyList<StatusBucket> Series, IReadOnlyList<DecisionLine> Decisions)
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
                point.TryGetProperty("model", out var m) ? m.GetString() : null));
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
        return new BidderState(serving, publishes, series, decisions);
    }

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static double? Double(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

/// <summary>One point of the bidder's live series.</summary>
internal sealed record StatusBucket(long StartUnixMs, long Requests, long Bids, double? P50Ms, double? P99Ms, long Impressions, long Clicks, double? LogLoss, double? Calibration, string? Model);

/// <summary>One retrain decision, as the bidder's status shows it.</summary>
internal sealed record DecisionLine(DateTimeOffset AtUtc, string Decision, IReadOnlyList<string> Reasons, string? Label);

/// <summary>The trainer's <c>/status</c> (with the auctions its joiner holds and the broker outages it saw, which tests wait on).</summary>
internal sealed record TrainerState(long ExamplesEmitted, long ExamplesConsumed, long ExamplesLearned, int Published, string? Champion, string? Failure, long JoinerPending = 0, long JoinerOutages = 0);
