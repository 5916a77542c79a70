using ClickPredict.Core.Metrics;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// What the simulated exchange and its users saw, counted from every thread that runs an auction:
/// requests, bids, wins, spend, clicks, client-side latency, and per time bucket the log loss of the
/// hidden true CTRs on the impressions won in it: the best any model could have done on them.
/// </summary>
internal sealed class DemoTally(int bucketSeconds)
{
    private readonly long _bucketMs = bucketSeconds * 1000L;
    private readonly object _gate = new();
    private readonly List<double> _latencyMs = new(4096);
    private readonly List<double> _allLatencyMs = new(1 << 16);
    private readonly Dictionary<long, BestBucket> _best = [];
    private readonly Dictionary<string, CampaignTally> _campaigns = new(StringComparer.Ordinal);
    private long _requests, _bids, _noBids, _errors, _wins, _losses, _clicks, _skipped, _spendMicros;
    private long _notices, _replayed, _replaysRefused, _replaysTaken, _noticeDelayMaxMs;

    public void Request(double latencyMs, bool bid)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref bid ? ref _bids : ref _noBids);
        lock (_gate)
        {
            _latencyMs.Add(latencyMs);
            _allLatencyMs.Add(latencyMs);
        }
    }

    /// <summary>Client-side latency percentiles over the whole run, milliseconds.</summary>
    public (double? P50Ms, double? P99Ms) OverallLatency()
    {
        double[] all;
        lock (_gate)
        {
            all = [.. _allLatencyMs];
        }

        Array.Sort(all);
        return (Percentile(all, 0.50), Percentile(all, 0.99));
    }

    public void Error() => Interlocked.Increment(ref _errors);

    /// <summary>The client was <see cref="DemoTraffic.MaxInFlight"/> requests behind and skipped one.</summary>
    public void Skipped() => Interlocked.Increment(ref _skipped);

    public void Lost() => Interlocked.Increment(ref _losses);

    /// <summary>A win notice sent (the first of its bid).</summary>
    public void NoticeSent() => Interlocked.Increment(ref _notices);

    /// <summary>A win notice sent a second time, to another bidder, and its answer: 409 refused as a replay, 204 taken (and charged once by the fleet).</summary>
    public void Replayed(System.Net.HttpStatusCode answer)
    {
        Interlocked.Increment(ref _replayed);
        if (answer == System.Net.HttpStatusCode.Conflict)
        {
            Interlocked.Increment(ref _replaysRefused);
        }
        else if (answer == System.Net.HttpStatusCode.NoContent)
        {
            Interlocked.Increment(ref _replaysTaken);
        }
        else
        {
            Error();
        }
    }

    /// <summary>Win notices sent, replayed, replays refused and replays taken.</summary>
    public (long Sent, long Replayed, long ReplaysRefused, long ReplaysTaken) Notices() =>
        (Interlocked.Read(ref _notices), Interlocked.Read(ref _replayed), Interlocked.Read(ref _replaysRefused), Interlocked.Read(ref _replaysTaken));

    /// <summary>What the exchange charged each campaign (the clearing prices of its won impressions), US dollars.</summary>
    public IReadOnlyDictionary<string, decimal> SpendByCampaign()
    {
        lock (_gate)
        {
            return _campaigns.ToDictionary(p => p.Key, p => p.Value.SpendNanos / 1_000_000_000m, StringComparer.Ordinal);
        }
    }

    /// <summary>A bid for <paramref name="campaignId"/> received at <paramref name="unixMs"/>.</summary>
    public void Bid(string campaignId, long unixMs)
    {
        lock (_gate)
        {
            var c = _campaigns.GetValueOrDefault(campaignId);
            _campaigns[campaignId] = c with { Bids = c.Bids + 1, FirstBidMs = c.Bids == 0 ? unixMs : c.FirstBidMs, LastBidMs = unixMs };
        }
    }

    /// <summary>Each campaign's bids, and the bids a second while it bid (first to last bid).</summary>
    public IReadOnlyDictionary<string, (long Bids, double? PerSecond)> BidsByCampaign()
    {
        lock (_gate)
        {
            return _campaigns.ToDictionary(
                p => p.Key,
                p => (p.Value.Bids, p.Value.LastBidMs > p.Value.FirstBidMs ? p.Value.Bids * 1000.0 / (p.Value.LastBidMs - p.Value.FirstBidMs) : (double?)null),
                StringComparer.Ordinal);
        }
    }

    /// <summary>From a bid request being sent to its win notice being answered, milliseconds: the longest seen.</summary>
    public void NoticeDelay(double ms)
    {
        var value = (long)Math.Ceiling(ms);
        var max = Interlocked.Read(ref _noticeDelayMaxMs);
        while (value > max && Interlocked.CompareExchange(ref _noticeDelayMaxMs, value, max) != max)
        {
            max = Interlocked.Read(ref _noticeDelayMaxMs);
        }
    }

    public long NoticeDelayMaxMs => Interlocked.Read(ref _noticeDelayMaxMs);

    /// <summary>A won impression (its win notice accepted), its clearing price, its campaign, and what the user did with it.</summary>
    public void Won(long winUnixMs, decimal clearingCpm, double trueCtr, bool clicked, string campaignId = "")
    {
        Interlocked.Increment(ref _wins);
        Interlocked.Add(ref _spendMicros, (long)Math.Round(clearingCpm * 1000m));
        if (clicked)
        {
            Interlocked.Increment(ref _clicks);
        }

        lock (_gate)
        {
            // Clearing CPM / 1000 in nano-dollars: exact for prices of up to six decimals.
            var c = _campaigns.GetValueOrDefault(campaignId);
            _campaigns[campaignId] = c with { SpendNanos = c.SpendNanos + (long)Math.Round(clearingCpm * 1_000_000m) };
            var epoch = winUnixMs / _bucketMs;
            _best.TryGetValue(epoch, out var bucket);
            _best[epoch] = new BestBucket(bucket.Impressions + 1, bucket.LossSum + BinaryMetrics.LogLoss(trueCtr, clicked));
        }
    }

    /// <summary>Counters so far, and the client latencies recorded since the last snapshot.</summary>
    public DemoCounters Snapshot()
    {
        double[] latencies;
        lock (_gate)
        {
            latencies = [.. _latencyMs];
            _latencyMs.Clear();
        }

        Array.Sort(latencies);
        return new DemoCounters(
            Interlocked.Read(ref _requests),
            Interlocked.Read(ref _bids),
            Interlocked.Read(ref _noBids),
            Interlocked.Read(ref _errors),
            Interlocked.Read(ref _skipped),
            Interlocked.Read(ref _wins),
            Interlocked.Read(ref _losses),
            Interlocked.Read(ref _clicks),
            Interlocked.Read(ref _spendMicros) / 1_000_000m,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99));
    }

    /// <summary>Best possible log loss (of the true CTRs) on the impressions won in the bucket starting at <paramref name="startUnixMs"/>.</summary>
    public (long Impressions, double LossSum) Best(long startUnixMs)
    {
        lock (_gate)
        {
            return _best.TryGetValue(startUnixMs / _bucketMs, out var bucket) ? (bucket.Impressions, bucket.LossSum) : (0, 0);
        }
    }

    private static double? Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private readonly record struct BestBucket(long Impressions, double LossSum);

    private readonly record struct CampaignTally(long Bids, long FirstBidMs, long LastBidMs, long SpendNanos);
}

/// <summary>A snapshot of <see cref="DemoTally"/>; latency percentiles are over the requests since the previous one.</summary>
internal sealed record DemoCounters(
    long Requests,
    long Bids,
    long NoBids,
    long Errors,
    long Skipped,
    long Wins,
    long Losses,
    long Clicks,
    decimal SpendUsd,
    double? P50Ms,
    double? P99Ms);
