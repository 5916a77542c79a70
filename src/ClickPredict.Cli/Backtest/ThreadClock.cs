using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// A clock of the CPU time the calling thread has used, in nanoseconds: on Linux the thread's
/// <c>CLOCK_THREAD_CPUTIME_ID</c> (time the thread was descheduled does not count, so a busy shared
/// machine inflates the figure far less than wall time would); elsewhere, wall time by
/// <see cref="Stopwatch"/>. Used for the serving-cost figures a back-test prints.
/// </summary>
internal static partial class ThreadClock
{
    private const int ClockThreadCpuTimeId = 3;

    /// <summary>Whether <see cref="Now"/> counts the thread's CPU time (true) or wall time (false).</summary>
    public static bool IsCpuTime { get; } = Probe();

    /// <summary>What <see cref="Now"/> measures, for the record.</summary>
    public static string Description => IsCpuTime ? "thread CPU time" : "wall time";

    /// <summary>Nanoseconds on this clock (only differences mean anything).</summary>
    public static long Now()
    {
        if (IsCpuTime && ClockGetTime(ClockThreadCpuTimeId, out var time) == 0)
        {
            return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
        }

        return (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess)
        {
            return false;
        }

        try
        {
            return ClockGetTime(ClockThreadCpuTimeId, out _) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);

    /// <summary>struct timespec on 64-bit Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
