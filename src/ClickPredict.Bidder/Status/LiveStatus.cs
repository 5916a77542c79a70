using System.Collections.Concurrent;
using System.Numerics;
using ClickPredict.Bidder.Options;

namespace ClickPredict.Bidder.Status;

/// <summary>
/// What the status page shows over time: requests, bids and latency per time bucket, and the live
/// log loss and calibration of the served pCTRs. Each bid's pCTR is remembered in a fixed-size table
/// indexed by bid id (written without allocating, locking or waiting; a newer bid may overwrite an
/// older one in the same slot, which then goes unscored); a win notice moves the bid to the impressions
/// waiting for their label; after <see cref="StatusOptions.LabelDelaySeconds"/> with or without a
/// click, the impression is scored into the bucket of its win. Thread-safe.
/// </summary>
/// <remarks>
/// A slot is several words written one by one, so two bids landing in it at once, or a win read while a
/// bid is written there, could see a mix of two entries. Each entry therefore carries a seal, a hash of its
/// other words: a reader that finds the seal wrong treats the slot as holding nothing (the win counts as
/// untracked, as for an overwritten bid), and a mix passes with a chance of about 2^-64.
/// </remarks>
internal sealed class LiveStatus : IDisposable
{
    private readonly StatusBucket[] _buckets;
    private readonly TrackedBid[] _tracked;
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
        ref var slot = ref _tracked[Slot(bidId)];
        slot.Id = bidId;
        slot.Pctr = pctr;
        slot.TimeMs = bidTimeMs;
        slot.Seal = TrackedBid.SealOf(bidId, pctr, bidTimeMs);
    }

    /// <summary>The bid won: its impression now waits for a click until the label delay has passed.</summary>
    public void Win(UInt128 bidId)
    {
        if (!TryGetBid(bidId, out var pctr, out _))
        {
            Interlocked.Increment(ref _untracked);
            return;
        }

        if (_pending.Count >= _maxPending)
        {
            Interlocked.Increment(ref _unscored);
            return;
        }

        _pending.TryAdd(bidId, new PendingImpression(pctr, _time.GetUtcNow().ToUnixTimeMilliseconds(), Clicked: false));
    }

    /// <summary>The pCTR and time of bid <paramref name="bidId"/> if its slot still holds it, whole.</summary>
    internal bool TryGetBid(UInt128 bidId, out double pctr, out long bidTimeMs)
    {
        // A copy, then checked: whatever a concurrent write did to the slot, the copy is sealed or refused.
        var tracked = _tracked[Slot(bidId)];
        var whole = tracked.Id == bidId && tracked.TimeMs != 0 && tracked.Seal == TrackedBid.SealOf(tracked.Id, tracked.Pctr, tracked.TimeMs);
        pctr = whole ? tracked.Pctr : 0;
        bidTimeMs = whole ? tracked.TimeMs : 0;
        return whole;
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

    /// <summary>A remembered bid; <see cref="Seal"/> tells a whole entry from a mix of two (see the remarks above).</summary>
    private struct TrackedBid
    {
        public UInt128 Id;
        public double Pctr;
        public long TimeMs;
        public ulong Seal;

        public static ulong SealOf(UInt128 id, double pctr, long timeMs)
        {
            // Each word multiplied by its own odd constant, folded, then mixed (a MurmurHash3-style finaliser);
            // never 0, so an empty slot is never sealed.
            var h = ((ulong)id * 0x9E3779B97F4A7C15UL) ^ ((ulong)(id >> 64) * 0xC2B2AE3D27D4EB4FUL)
                ^ ((ulong)BitConverter.DoubleToInt64Bits(pctr) * 0x165667B19E3779F9UL) ^ ((ulong)timeMs * 0x27D4EB2F165667C5UL);
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            return h | 1;
        }
    }

    private readonly record struct PendingImpression(double Pctr, long WinMs, bool Clicked);
}
