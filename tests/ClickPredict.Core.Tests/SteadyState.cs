using System.Diagnostics;
using System.Runtime;

namespace ClickPredict.Core.Tests;

/// <summary>
/// Allocation checks in steady state: the runtime may allocate on the calling thread while it tiers up hot
/// methods (call counting, then background recompilation a while after the first calls), so one warm-up
/// call is not steady state. <see cref="AllocatedBytes"/> repeats the work until the JIT has compiled
/// nothing new for a round that spans its tiering delay, then measures.
/// </summary>
internal static class SteadyState
{
    /// <summary>Bytes allocated on this thread by <paramref name="iterations"/> calls of <paramref name="work"/>, after warm-up.</summary>
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

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            work();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
