namespace ClickPredict.Bidder.Status;

/// <summary>What happened in one time bucket: requests and their latency, bids, and the outcomes of the impressions won in it.</summary>
internal sealed class StatusBucket
{
    private long _requests;
    private long _bids;
    private long _impressions;
    private long _clicks;
    private double _sumPctr;
    private double _sumLogLoss;

    /// <summary>Start of the bucket in bucket units (Unix time / bucket width); -1 when unused.</summary>
    public long Epoch { get; private set; } = -1;

    public LatencyHistogram Latency { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    public long Bids => Interlocked.Read(ref _bids);

    public string? Model { get; private set; }

    /// <summary>Makes the bucket stand for <paramref name="epoch"/>, forgetting what it held (callers hold its lock).</summary>
    public void Reset(long epoch)
    {
        Epoch = epoch;
        _requests = _bids = _impressions = _clicks = 0;
        _sumPctr = _sumLogLoss = 0;
        Model = null;
        Latency.Clear();
    }

    public void Request(bool bid, double seconds, string? model)
    {
        Interlocked.Increment(ref _requests);
        if (bid)
        {
            Interlocked.Increment(ref _bids);
        }

        Latency.Record(seconds);
        Model = model;
    }

    /// <summary>Adds a labelled impression (callers hold the bucket's lock: doubles have no atomic add).</summary>
    public void Outcome(double pctr, bool clicked)
    {
        _impressions++;
        _clicks += clicked ? 1 : 0;
        _sumPctr += pctr;
        _sumLogLoss += Core.Metrics.BinaryMetrics.LogLoss(pctr, clicked);
    }

    public StatusPoint Snapshot(int bucketSeconds)
    {
        var p50 = Latency.Quantile(0.5);
        var p99 = Latency.Quantile(0.99);
        return new StatusPoint
        {
            StartUnixMs = Epoch * bucketSeconds * 1000L,
            Requests = Requests,
            Qps = Requests / (double)bucketSeconds,
            Bids = Bids,
            P50Ms = double.IsNaN(p50) ? null : p50 * 1000,
            P99Ms = double.IsNaN(p99) ? null : p99 * 1000,
            Impressions = _impressions,
            Clicks = _clicks,
            LogLoss = _impressions == 0 ? null : _sumLogLoss / _impressions,
            MeanPctr = _impressions == 0 ? null : _sumPctr / _impressions,
            Ctr = _impressions == 0 ? null : _clicks / (double)_impressions,
            Calibration = _clicks == 0 ? null : _sumPctr / _clicks,
            Model = Model,
        };
    }
}
