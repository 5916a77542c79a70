namespace ClickPredict.Bidder.Events;

/// <summary>
/// One <see cref="EventRing"/> per thread that logs bids, created on a thread's first bid. The bid path
/// finds its thread's ring through a <see cref="ThreadLocal{T}"/> (a thread-static array read); the drain
/// walks all of them through an array that is replaced, under a lock, only when a ring is added or a
/// ring of a thread that has ended is dropped.
/// </summary>
internal sealed class EventRings : IDisposable
{
    private readonly ThreadLocal<EventRing?> _local = new();
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private EventRing[] _all = [];

    public EventRings(int capacity) => _capacity = capacity;

    /// <summary>All rings, for the drain (a snapshot).</summary>
    public EventRing[] All => Volatile.Read(ref _all);

    /// <summary>This thread's ring.</summary>
    public EventRing Current => _local.Value ?? Add();

    /// <summary>Drops the rings of threads that have ended once they are empty (drain side).</summary>
    public void Prune()
    {
        var all = All;
        foreach (var ring in all)
        {
            if (ring.Owner is { IsAlive: false } && ring.IsEmpty)
            {
                lock (_gate)
                {
                    _all = [.. _all.Where(r => r.Owner is not { IsAlive: false } || !r.IsEmpty)];
                }

                return;
            }
        }
    }

    public void Dispose() => _local.Dispose();

    // Cold: once per thread.
    private EventRing Add()
    {
        var ring = new EventRing(_capacity, Thread.CurrentThread);
        lock (_gate)
        {
            _all = [.. _all, ring];
        }

        _local.Value = ring;
        return ring;
    }
}
