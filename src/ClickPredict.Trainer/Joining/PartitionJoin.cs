using System.IO.Hashing;
using System.Runtime.InteropServices;
using ClickPredict.Core.Events;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// The join state of one partition number: the auctions whose bid, win notice or clicks have arrived
/// and which are not finished, keyed by bid id, and the bid ids finished recently. Deadlines are in
/// event time against the partition's watermark (see <see cref="JoinerService"/>):
/// <list type="bullet">
/// <item>bid and win notice: the impression time plus the attribution window; then an example,
/// clicked when a click fell inside the window;</item>
/// <item>a bid alone: its time plus <c>WinWaitSeconds</c>; then it lost the auction;</item>
/// <item>a win notice or clicks alone: their time plus <c>BidWaitSeconds</c>; then counted as unmatched.</item>
/// </list>
/// A finished bid id is remembered for <c>DedupeRetentionSeconds</c> of event time, so a second copy
/// of any of its events is dropped as a duplicate and a late one is counted. Single-threaded (the
/// joiner's consume loop owns it).
/// </summary>
internal sealed class PartitionJoin
{
    private readonly JoinWindows _windows;
    private readonly Dictionary<string, PendingAuction> _pending = new(StringComparer.Ordinal);
    // Finished bid ids, remembered by their 64-bit hash (no object per id: the garbage collector never walks
    // them and a checkpoint writes them as three flat arrays). Forget times only grow (the watermark never
    // goes back), so a FIFO queue orders them.
    private readonly Dictionary<ulong, FinishedMark> _finished = [];
    private readonly Queue<(ulong Id, long ForgetAtMs)> _forget = new();
    private readonly List<ulong> _forgetLater = [];
    private readonly DeadlineQueue _deadlines = new(LaneCount);

    // Lanes of the deadline queue: one per kind of deadline (an event time plus one fixed window).
    private const int WonLane = 0, BidLane = 1, NoBidLane = 2, LaneCount = 3;

    public PartitionJoin(int partition, JoinWindows windows, JoinCheckpoint? checkpoint = null)
    {
        Partition = partition;
        _windows = windows;
        if (checkpoint is null)
        {
            return;
        }

        checkpoint.NextOffsets.CopyTo(NextOffsets, 0);
        checkpoint.MaxEventMs.CopyTo(MaxEventMs, 0);
        ExamplesNextOffset = checkpoint.ExamplesNextOffset;
        WatermarkMs = checkpoint.WatermarkMs;
        foreach (var auction in checkpoint.Pending)
        {
            _pending[auction.BidId] = auction;
            _deadlines.Enqueue(auction.BidId, auction.DeadlineMs, lane: -1);
        }

        var finished = checkpoint.Finished;
        var entries = new (ulong Id, long ForgetAtMs, bool Emitted)[finished.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = finished[i];
        }

        // Saved in no particular order; the forget queue wants them oldest first.
        Array.Sort(entries, static (a, b) => a.ForgetAtMs.CompareTo(b.ForgetAtMs));
        foreach (var (id, forgetAt, emitted) in entries)
        {
            _finished[id] = new FinishedMark(forgetAt, emitted);
            Forget(id, forgetAt);
        }
    }

    public int Partition { get; }

    /// <summary>Next offset to read per input (-1: unknown, the group's committed offset applies).</summary>
    public long[] NextOffsets { get; } = [-1, -1, -1];

    /// <summary>Latest event time seen per input.</summary>
    public long[] MaxEventMs { get; } = [long.MinValue, long.MinValue, long.MinValue];

    /// <summary>Next offset of the examples partition after the last example known delivered (-1 unknown).</summary>
    public long ExamplesNextOffset { get; set; } = -1;

    /// <summary>The partition's event clock: auctions whose deadline it passed are finished.</summary>
    public long WatermarkMs { get; private set; } = long.MinValue;

    /// <summary>Auctions pending.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Finished bid ids remembered.</summary>
    public int FinishedCount => _finished.Count;

    /// <summary>
    /// When the last input event arrived, or when the partition was taken on, in milliseconds of the
    /// joiner's clock (<see cref="JoinerContext.NowMs"/>): the idle clock (<c>IdleAdvanceMs</c>) counts from
    /// it, so auctions restored from a checkpoint close even when no new event comes.
    /// </summary>
    public long LastArrivalMs { get; set; }

    /// <summary>Whether anything changed since the last checkpoint.</summary>
    public bool Dirty { get; set; }

    /// <summary>Set when an example could not be handed to the producer: this state must not be checkpointed.</summary>
    public bool Tainted { get; set; }

    /// <summary>Whether <paramref name="bidId"/> is pending.</summary>
    public bool IsPending(string bidId) => _pending.ContainsKey(bidId);

    /// <summary>A bid event (its raw bytes are kept until the auction finishes).</summary>
    public JoinResult OnBid(string bidId, byte[] raw, long timeMs)
    {
        Seen(JoinTopic.Bids, timeMs);
        if (_finished.ContainsKey(IdOf(bidId)))
        {
            return JoinResult.Duplicate;
        }

        if (_pending.TryGetValue(bidId, out var auction))
        {
            if (auction.Bid is not null)
            {
                return JoinResult.Duplicate;
            }
        }
        else
        {
            auction = Add(bidId);
        }

        auction.Bid = raw;
        auction.BidTimeMs = timeMs;
        Schedule(auction);
        return JoinResult.Accepted;
    }

    /// <summary>A win notice.</summary>
    public JoinResult OnImpression(ImpressionEvent impression)
    {
        ArgumentNullException.ThrowIfNull(impression);
        Seen(JoinTopic.Impressions, impression.TimeUnixMs);
        if (_finished.TryGetValue(IdOf(impression.BidId), out var finished))
        {
            return finished.Emitted ? JoinResult.Duplicate : JoinResult.LateImpression;
        }

        var auction = _pending.TryGetValue(impression.BidId, out var known) ? known : Add(impression.BidId);
        if (auction.Impression is not null)
        {
            return JoinResult.Duplicate;
        }

        auction.Impression = impression;
        Schedule(auction);
        return JoinResult.Accepted;
    }

    /// <summary>A click.</summary>
    public JoinResult OnClick(string bidId, long timeMs)
    {
        Seen(JoinTopic.Clicks, timeMs);
        if (_finished.TryGetValue(IdOf(bidId), out var finished))
        {
            return finished.Emitted ? JoinResult.ClickAfterWindow : JoinResult.ClickWithoutImpression;
        }

        var auction = _pending.TryGetValue(bidId, out var known) ? known : Add(bidId);
        (auction.Clicks ??= []).Add(timeMs);
        if (auction.Bid is null && auction.Impression is null)
        {
            Schedule(auction);
        }

        return JoinResult.Accepted;
    }

    /// <summary>
    /// Moves the event clock to <paramref name="watermarkMs"/> (never back) and finishes every auction
    /// whose deadline it reached, in deadline order, into <paramref name="finished"/>; forgets finished
    /// bid ids past their retention.
    /// </summary>
    public void Advance(long watermarkMs, List<JoinedAuction> finished)
    {
        ArgumentNullException.ThrowIfNull(finished);
        if (watermarkMs <= WatermarkMs)
        {
            return;
        }

        WatermarkMs = watermarkMs;
        Dirty = true;
        foreach (var later in _forgetLater)
        {
            // Remembered before the clock was known (recovery scan of a partition without a checkpoint).
            var forgetAt = SaturatingAdd(watermarkMs, _windows.DedupeMs);
            if (_finished.TryGetValue(later, out var mark) && mark.ForgetAtMs == long.MaxValue)
            {
                _finished[later] = mark with { ForgetAtMs = forgetAt };
            }

            _forget.Enqueue((later, forgetAt));
        }

        _forgetLater.Clear();
        while (_deadlines.TryDequeueUntil(watermarkMs, out var bidId, out var deadline))
        {
            // Deadlines move when the other half of an auction arrives; stale queue entries are skipped.
            if (!_pending.TryGetValue(bidId, out var auction) || auction.DeadlineMs != deadline)
            {
                continue;
            }

            _pending.Remove(bidId);
            var result = Finish(auction);
            Remember(bidId, result.End == AuctionEnd.Example);
            finished.Add(result);
        }

        while (_forget.TryPeek(out var old) && old.ForgetAtMs <= watermarkMs)
        {
            _forget.Dequeue();
            // Remembered again since (a later entry for the same id): that one decides.
            if (_finished.TryGetValue(old.Id, out var current) && current.ForgetAtMs == old.ForgetAtMs)
            {
                _finished.Remove(old.Id);
            }
        }
    }

    /// <summary>
    /// Records that an example for <paramref name="bidId"/> is already in the examples topic (found by the
    /// recovery scan after a restart): whatever is pending for it is dropped and later copies of its
    /// events count as duplicates, so it is not emitted twice.
    /// </summary>
    public void MarkEmitted(string bidId)
    {
        _pending.Remove(bidId);

        Remember(bidId, emitted: true);
    }

    /// <summary>The state to checkpoint.</summary>
    public JoinCheckpoint ToCheckpoint() => new()
    {
        Partition = Partition,
        NextOffsets = [.. NextOffsets],
        MaxEventMs = [.. MaxEventMs],
        ExamplesNextOffset = ExamplesNextOffset,
        WatermarkMs = WatermarkMs,
        Pending = [.. _pending.Values],
        Finished = FinishedBids.From(_finished),
    };

    /// <summary>The 64-bit hash a finished bid id is remembered by (XxHash3 of its UTF-16 code units).</summary>
    /// <remarks>Two ids of one partition's dedupe window sharing a hash would make the later one a duplicate: with
    /// n ids remembered the chance is about n^2 / 2^65 (1e-5 for ten million).</remarks>
    public static ulong IdOf(string bidId) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(bidId.AsSpan()));

    private void Seen(JoinTopic topic, long timeMs)
    {
        Dirty = true;
        ref var max = ref MaxEventMs[(int)topic];
        max = Math.Max(max, timeMs);
    }

    private PendingAuction Add(string bidId)
    {
        var auction = new PendingAuction { BidId = bidId };
        _pending[bidId] = auction;
        return auction;
    }

    private void Schedule(PendingAuction auction)
    {
        long deadline;
        int lane;
        if (auction.Impression is { } impression)
        {
            (deadline, lane) = auction.Bid is not null
                ? (impression.TimeUnixMs + _windows.AttributionMs, WonLane)
                : (impression.TimeUnixMs + _windows.BidWaitMs, NoBidLane);
        }
        else if (auction.Bid is not null)
        {
            (deadline, lane) = (auction.BidTimeMs + _windows.WinWaitMs, BidLane);
        }
        else
        {
            // Clicks alone: rare, and their times need not follow the win notices' (no lane of their own).
            (deadline, lane) = (auction.Clicks![0] + _windows.BidWaitMs, -1);
        }

        auction.DeadlineMs = deadline;
        _deadlines.Enqueue(auction.BidId, deadline, lane);
    }

    private JoinedAuction Finish(PendingAuction auction)
    {
        var clicks = auction.Clicks?.Count ?? 0;
        if (auction.Bid is null)
        {
            return auction.Impression is not null
                ? new JoinedAuction(AuctionEnd.ImpressionWithoutBid, auction.BidId, null, auction.Impression, null, 0, clicks)
                : new JoinedAuction(AuctionEnd.ClickWithoutImpression, auction.BidId, null, null, null, 0, clicks);
        }

        if (auction.Impression is null)
        {
            return new JoinedAuction(AuctionEnd.NotWon, auction.BidId, auction.Bid, null, null, 0, clicks);
        }

        long? first = null;
        var outside = 0;
        var closes = auction.Impression.TimeUnixMs + _windows.AttributionMs;
        foreach (var click in auction.Clicks ?? [])
        {
            if (click <= closes)
            {
                first = first is { } f ? Math.Min(f, click) : click;
            }
            else
            {
                outside++;
            }
        }

        return new JoinedAuction(AuctionEnd.Example, auction.BidId, auction.Bid, auction.Impression, first, outside, 0);
    }

    private void Remember(string bidId, bool emitted)
    {
        var id = IdOf(bidId);
        var forgetAt = WatermarkMs != long.MinValue ? SaturatingAdd(WatermarkMs, _windows.DedupeMs) : long.MaxValue;
        _finished[id] = new FinishedMark(forgetAt, emitted);
        Forget(id, forgetAt);
    }

    private void Forget(ulong id, long forgetAtMs)
    {
        if (forgetAtMs == long.MaxValue)
        {
            _forgetLater.Add(id);
        }
        else
        {
            _forget.Enqueue((id, forgetAtMs));
        }
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
