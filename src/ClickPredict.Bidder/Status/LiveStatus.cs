using System.Collections.Concurrent;
using System.Numerics;
using ClickPredict.Bidder.Options;

namespace ClickPredict.Bidder.Status;

/// <summary>
/// What the status page shows over time: requests, bids and latency per time bucket, and the live
/// log loss and calibration of the served pCTRs. Each bid's pCTR is remembered in a fixed-size table
/// indexed by bid id (written without allocating; a newer bid may overwrite an older one in the same
/// slot, which then goes unscored); a win notice moves the bid to the impressions waiting for their
/// label; after <see cref="StatusOptions.LabelDelaySeconds"/> with or without a click, the impression
/// is scored into the bucket of its win. Thread-safe.
/// </summary>
internal sealed class LiveStatus : IDisposable
{
    private const int Stripes = 64;

    private readonly StatusBucket[] _buckets;
    private readonly TrackedBid[] _tracked;
    private readonly object[] _stripes;
    private readonly ConcurrentDictionary<UInt128, PendingImpression> _pending = new();
    private readonly TimeProvider _time;
    private readonly long _bucketMs;
    private readonly long _labelDelayMs;
    private readonly int _maxPending;
    private readonly int _shift;
    private readonly ITimer _labeller;
    private long _untracked;
    private long _unscored;

    public LiveStatus(StatusOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        BucketSeconds = options.BucketSeconds;
        _bucketMs = options.BucketSeconds * 1000L;
        _labelDelayMs = options.LabelDelaySeconds * 1000L;
        _maxPending = options.MaxPendingImpressions;
        _buckets = new StatusBucket[options.Buckets];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new StatusBucket();
        }

        _tracked = new TrackedBid[options.TrackedBids];
        _shift = 64 - BitOperations.Log2((uint)options.TrackedBids);
        _stripes = new object[Stripes];
        for (var i = 0; i < Stripes; i++)
        {
            _stripes[i] = new object();
        }

        _labeller = time.CreateTimer(_ => LabelDue(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public int BucketSeconds { get; }

    /// <summary>Won impressions waiting for their click window to pass.</summary>
    public int Pending => _pending.Count;

    /// <summary>Wins whose bid was no longer remembered (overwritten in the table), so not scored.</summary>
    public long Untracked => Interlocked.Read(ref _untracked);

    /// <summary>Wins not scored because too many impressions were already waiting.</summary>
    public long Unscored => Interlocked.Read(ref _unscored);

    /// <summary>Counts a request answered in <paramref name="seconds"/> by <paramref name="model"/>.</summary>
    public void Request(bool bid, double seconds, string? model) =>
        BucketAt(_time.GetUtcNow().ToUnixTimeMilliseconds())?.Request(bid, seconds, model);

    /// <summary>Remembers a bid's pCTR for when its win notice comes (no allocation).</summary>
    public void Bid(UInt128 bidId, double pctr, long bidTimeMs)
    {
        var slot = Slot(bidId);
        lock (_stripes[slot & (Stripes - 1)])
        {
            _tracked[slot] = new TrackedBid(bidId, pctr, bidTimeMs);
        }
    }

    /// <summary>The bid won: its impression now waits for a click until the label delay has passed.</summary>
    public void Win(UInt128 bidId)
    {
        var slot = Slot(bidId);
        TrackedBid tracked;
        lock (_stripes[slot & (Stripes - 1)])
        {
            tracked = _tracked[slot];
        }

        if (tracked.BidId != bidId || tracked.TimeMs == 0)
        {
            Interlocked.Increment(ref _untracked);
            return;
        }

        if (_pending.Count >= _maxPending)
        {
            Interlocked.Increment(ref _unscored);
            return;
        }

        _pending.TryAdd(bidId, new PendingImpression(tracked.Pctr, _time.GetUtcNow().ToUnixTimeMilliseconds(), Clicked: false));
    }

    /// <summary>The ad of a won bid was clicked.</summary>
    public void Click(UInt128 bidId)
    {
        while (_pending.TryGetValue(bidId, out var pending) && !pending.Clicked)
        {
            if (_pending.TryUpdate(bidId, pending with { Clicked = true }, pending))
            {
                return;
            }
        }
    }

    /// <summary>Scores every impression whose label delay has passed into the bucket of its win.</summary>
    public void LabelDue()
    {
        var due = _time.GetUtcNow().ToUnixTimeMilliseconds() - _labelDelayMs;
        foreach (var (id, pending) in _pending)
        {
            if (pending.WinMs <= due && _pending.TryRemove(new KeyValuePair<UInt128, PendingImpression>(id, pending)))
            {
                if (BucketAt(pending.WinMs) is { } bucket)
                {
                    lock (bucket)
                    {
                        if (bucket.Epoch == pending.WinMs / _bucketMs)
                        {
                            bucket.Outcome(pending.Pctr, pending.Clicked);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The buckets of the window, oldest first, from the first with any activity.</summary>
    public IReadOnlyList<StatusPoint> Series()
    {
        var nowEpoch = _time.GetUtcNow().ToUnixTimeMilliseconds() / _bucketMs;
        var points = new List<StatusPoint>(_buckets.Length);
        for (var epoch = nowEpoch - _buckets.Length + 1; epoch <= nowEpoch; epoch++)
        {
            var bucket = _buckets[(int)(epoch % _buckets.Length)];
            lock (bucket)
            {
                if (bucket.Epoch == epoch)
                {
                    points.Add(bucket.Snapshot(BucketSeconds));
                }
                else if (points.Count > 0)
                {
                    // A quiet bucket inside the window is a zero, not a gap.
                    points.Add(new StatusPoint { StartUnixMs = epoch * _bucketMs });
                }
            }
        }

        return points;
    }

    public void Dispose() => _labeller.Dispose();

    /// <summary>The bucket for a time, claimed for its epoch; null when the time is older than the window.</summary>
    private StatusBucket? BucketAt(long unixMs)
    {
        var epoch = unixMs / _bucketMs;
        var bucket = _buckets[(int)(epoch % _buckets.Length)];
        if (bucket.Epoch != epoch)
        {
            lock (bucket)
            {
                if (bucket.Epoch < epoch)
                {
                    bucket.Reset(epoch);
                }
            }
        }

        return bucket.Epoch == epoch ? bucket : null;
    }

    // Fibonacci hashing of the folded id: bid ids are unique but not uniformly spread in every bit.
    private int Slot(UInt128 id) => (int)((((ulong)id ^ (ulong)(id >> 64)) * 0x9E3779B97F4A7C15UL) >> _shift);

    private readonly record struct TrackedBid(UInt128 BidId, double Pctr, long TimeMs);

    private readonly record struct PendingImpression(double Pctr, long WinMs, bool Clicked);
}
