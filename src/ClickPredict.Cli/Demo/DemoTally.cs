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
    private long _requests, _bids, _noBids, _errors, _wins, _losses, _clicks, _skipped, _spendMicros;

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

    /// <summary>A won impression (its win notice accepted), its clearing price, and what the user did with it.</summary>
    public void Won(long winUnixMs, decimal clearingCpm, double trueCtr, bool clicked)
    {
        Interlocked.Increment(ref _wins);
        Interlocked.Add(ref _spendMicros, (long)Math.Round(clearingCpm * 1000m));
        if (clicked)
        {
            Interlocked.Increment(ref _clicks);
        }

        lock (_gate)
        {
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
