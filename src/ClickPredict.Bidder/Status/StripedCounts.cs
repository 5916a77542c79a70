using System.Numerics;

namespace ClickPredict.Bidder.Status;

/// <summary>
/// A few counters that every request thread adds to, kept once per processor stripe so that threads on
/// different cores do not write the same cache line (a single shared counter moves its line from core to
/// core on every increment). A count is the sum of its stripes; reads are for the status page, not the bid path.
/// </summary>
/// <remarks>
/// The stripe is the processor the thread runs on (<see cref="Thread.GetCurrentProcessorId"/>, cached by the
/// runtime), so two threads may share one for a moment after a migration: increments stay atomic, only
/// the cache line is then shared. A line (64 bytes) of padding lies before the first stripe and after each,
/// so no two stripes' counters, nor stripe 0's and the array's length, share a line wherever the array starts.
/// </remarks>
internal sealed class StripedCounts
{
    /// <summary>At most this many stripes: beyond it, a count's memory grows faster than its contention falls.</summary>
    public const int MaxStripes = 8;

    private const int LongsPerLine = 8;

    private readonly long[] _counts;
    private readonly int _stride;
    private readonly int _stripeMask;

    public StripedCounts(int slots)
        : this(slots, Environment.ProcessorCount)
    {
    }

    public StripedCounts(int slots, int processors)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processors);
        Slots = slots;
        Stripes = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)processors), MaxStripes);
        _stripeMask = Stripes - 1;
        // The array starts on 8 bytes, not 64: a full line between stripes keeps them apart on any alignment.
        _stride = ((slots + LongsPerLine - 1) / LongsPerLine * LongsPerLine) + LongsPerLine;
        _counts = new long[LongsPerLine + (_stride * Stripes)];
    }

    public int Slots { get; }

    public int Stripes { get; }

    public void Increment(int slot) => Interlocked.Increment(ref _counts[Index(slot)]);

    /// <summary>The count of <paramref name="slot"/>: the sum of its stripes.</summary>
    public long Read(int slot)
    {
        CheckSlot(slot);
        long total = 0;
        for (var stripe = 0; stripe < Stripes; stripe++)
        {
            total += Volatile.Read(ref _counts[LongsPerLine + (stripe * _stride) + slot]);
        }

        return total;
    }

    public void Clear() => Array.Clear(_counts);

    private int Index(int slot)
    {
        CheckSlot(slot);
        return LongsPerLine + ((Thread.GetCurrentProcessorId() & _stripeMask) * _stride) + slot;
    }

    private void CheckSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Slots);
    }
}
