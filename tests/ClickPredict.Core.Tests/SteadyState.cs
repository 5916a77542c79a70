using System.Diagnostics;
using System.Runtime;

namespace ClickPredict.Core.Tests;

/// <summary>
/// Allocation checks in steady state: the runtime may allocate on the calling thread while it tiers up hot
/// methods (call counting, then background recompilation a while after the first calls), so one warm-up
/// call is not steady state. <see cref="AllocatedBytes"/> repeats the work until the JIT has compiled
/// nothing new for a round that spans its tiering delay, then measures (the fewest bytes of a few rounds).
/// </summary>
internal static class SteadyState
{
    /// <summary>
    /// Bytes allocated on this thread by <paramref name="iterations"/> calls of <paramref name="work"/>, after
    /// warm-up: the fewest of up to five rounds, so a per-call allocation always shows and a one-off does not.
    /// </summary>
    public static long AllocatedBytes(Action work, int iterations)
    {
        var clock = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        var quietSince = clock.ElapsedMilliseconds;
        // Until nothing new was compiled for 300 ms (the tiering delay is 100 ms), at most 5 s.
        while (clock.ElapsedMilliseconds - quietSince < 300 && clock.ElapsedMilliseconds < 5_000)
        {
            for (var i = 0; i < iterations; i++)
            {
                work();
            }

            var now = JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quietSince = clock.ElapsedMilliseconds;
            }
            else
            {
                Thread.Sleep(20);
            }
        }

        // On a loaded machine running other tests in the same process, the JIT may not go quiet within the
        // cap, and a late tier-up can allocate on this thread during one round; work that allocates per call
        // allocates in every round. So: the fewest bytes of up to five measured rounds.
        var fewest = long.MaxValue;
        for (var round = 0; round < 5 && fewest > 0; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < iterations; i++)
            {
                work();
            }

            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
    }
}
