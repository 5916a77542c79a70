using ClickPredict.Trainer.Joining;

namespace ClickPredict.Trainer.Tests;

public class DeadlineQueueTests
{
    [Fact]
    public void Dequeue_MixedLanesAndOutOfOrderDeadlines_ComesOutInDeadlineOrder()
    {
        // Three kinds of deadline, each mostly in order (event time plus its window) with some jitter, and
        // some with no lane: the queue hands them out as one sorted list would, whatever went to the heap.
        var random = new Random(5);
        var queue = new DeadlineQueue(3);
        var all = new List<(string Id, long Deadline)>();
        long[] windows = [1_800, 300, 60];
        for (var i = 0; i < 20_000; i++)
        {
            var lane = random.Next(4) - 1;
            var time = 1_000 + i + (random.Next(10) == 0 ? -random.Next(50) : 0);
            var deadline = time + (lane >= 0 ? windows[lane] : random.Next(100));
            var id = "a" + i;
            queue.Enqueue(id, deadline, lane);
            all.Add((id, deadline));
        }

        Assert.Equal(all.Count, queue.Count);
        var expected = all.Select(a => a.Deadline).Order().ToList();
        var got = new List<long>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        // Drained in steps, as the event clock advances.
        for (var until = 0L; got.Count < all.Count; until += 97)
        {
            while (queue.TryDequeueUntil(until, out var id, out var deadline))
            {
                Assert.True(deadline <= until);
                Assert.True(ids.Add(id));
                got.Add(deadline);
            }
        }

        Assert.Equal(expected, got);
        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryDequeueUntil(long.MaxValue, out _, out _));
    }
}
