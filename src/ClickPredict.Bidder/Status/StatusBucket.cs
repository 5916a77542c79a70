namespace ClickPredict.Bidder.Status;

/// <summary>What happened in one time bucket: requests and their latency, bids, and the outcomes of the impressions won in it.</summary>
internal sealed class StatusBucket
{
    private const int RequestSlot = 0;
    private const int BidSlot = 1;

    // Every request thread counts into the current bucket: striped, so the cores do not pass its line around.
    private readonly StripedCounts _counts = new(2);
    private long _impressions;
    private long _clicks;
    private double _sumPctr;
    private double _sumLogLoss;

    /// <summary>Start of the bucket in bucket units (Unix time / bucket width); -1 when unused.</summary>
    public long Epoch { get; private set; } = -1;

    public LatencyHistogram Latency { get; } = new();

    public long Requests => _counts.Read(RequestSlot);

    public long Bids => _counts.Read(BidSlot);

    public string? Model { get; private set; }

    /// <summary>Makes the bucket stand for <paramref name="epoch"/>, forgetting what it held (callers hold its lock).</summary>
    public void Reset(long epoch)
    {
        Epoch = epoch;
        _counts.Clear();
        _impressions = _clicks = 0;
        _sumPctr = _sumLogLoss = 0;
        Model = null;
        Latency.Clear();
    }

    public void Request(bool bid, double seconds, string? model)
    {
        _counts.Increment(RequestSlot);
        if (bid)
        {
            _counts.Increment(BidSlot);
        }

        Latency.Record(seconds);
        // Written only when it changes (a swap): a store on every request would pass the line around as well.
        if (!ReferenceEquals(Model, model))
        {
            Model = model;
        }
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
