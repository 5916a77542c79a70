using System.Runtime.InteropServices;

namespace ClickPredict.Core.Training;

/// <summary>
/// CPU time of the calling thread (user plus system), to charge training work to the one thread doing
/// it while other threads of the process (Kafka clients, the web server, the GC) go on. Linux reads it
/// with <c>getrusage(RUSAGE_THREAD)</c>; elsewhere it falls back to the whole process's CPU time.
/// </summary>
public static partial class CpuClock
{
    private const int RusageThread = 1;

    /// <summary>CPU seconds the calling thread has used so far.</summary>
    public static double ThreadSeconds()
    {
        if (OperatingSystem.IsLinux() && GetRUsage(RusageThread, out var usage) == 0)
        {
            return usage.UserSeconds + (usage.UserMicroseconds / 1e6) + usage.SystemSeconds + (usage.SystemMicroseconds / 1e6);
        }

        return Environment.CpuUsage.TotalTime.TotalSeconds;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int GetRUsage(int who, out RUsage usage);

    /// <summary>Linux's <c>struct rusage</c> on 64-bit: two <c>timeval</c>s, then fourteen longs we do not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public RUsageRest Rest;
    }

    [System.Runtime.CompilerServices.InlineArray(14)]
    private struct RUsageRest
    {
        private long _element;
    }
}
