namespace ClickPredict.Trainer.Joining;

/// <summary>
/// The deadlines of a partition's pending auctions, earliest first. Each kind of deadline is an event time
/// plus a fixed window (a bid's time plus <c>WinWaitSeconds</c>, a win notice's time plus the attribution
/// window, ...), and events of a kind arrive in about the order of their times, so each kind has a lane:
/// a first-in-first-out queue that takes a deadline no earlier than the lane's last one, in constant time
/// and in order in memory. A deadline that comes out of order goes to a heap instead. The earliest
/// deadline is the earliest of the lanes' heads and the heap's. The same order as one heap of everything,
/// which cost a logarithmic, cache-missing step per auction and per rescheduling.
/// </summary>
internal sealed class DeadlineQueue
{
    private readonly Queue<(string Id, long Deadline)>[] _lanes;
    private readonly long[] _last;
    private readonly PriorityQueue<string, long> _outOfOrder = new();

    public DeadlineQueue(int lanes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lanes);
        _lanes = new Queue<(string, long)>[lanes];
        _last = new long[lanes];
        for (var i = 0; i < lanes; i++)
        {
            _lanes[i] = new Queue<(string, long)>();
            _last[i] = long.MinValue;
        }
    }

    /// <summary>Entries queued (stale ones included until they are dequeued).</summary>
    public int Count
    {
        get
        {
            var count = _outOfOrder.Count;
            foreach (var lane in _lanes)
            {
                count += lane.Count;
            }

            return count;
        }
    }

    /// <summary>Queues <paramref name="id"/> at <paramref name="deadline"/> in <paramref name="lane"/> (-1: no lane, straight to the heap).</summary>
    public void Enqueue(string id, long deadline, int lane)
    {
        if (lane >= 0 && deadline >= _last[lane])
        {
            _lanes[lane].Enqueue((id, deadline));
            _last[lane] = deadline;
        }
        else
        {
            _outOfOrder.Enqueue(id, deadline);
        }
    }

    /// <summary>Removes and returns the earliest entry if its deadline is at or before <paramref name="until"/>.</summary>
    public bool TryDequeueUntil(long until, out string id, out long deadline)
    {
        var from = -1;
        deadline = long.MaxValue;
        id = null!;
        if (_outOfOrder.TryPeek(out var heapId, out var heapDeadline))
        {
            (id, deadline) = (heapId, heapDeadline);
        }

        for (var i = 0; i < _lanes.Length; i++)
        {
            if (_lanes[i].TryPeek(out var head) && head.Deadline < deadline)
            {
                (id, deadline, from) = (head.Id, head.Deadline, i);
            }
        }

        if (id is null || deadline > until)
        {
            return false;
        }

        if (from >= 0)
        {
            _lanes[from].Dequeue();
        }
        else
        {
            _outOfOrder.Dequeue();
        }

        return true;
    }
}
