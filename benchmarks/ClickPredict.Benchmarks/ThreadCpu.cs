using System.Globalization;

namespace ClickPredict.Benchmarks;

/// <summary>
/// Per-thread scheduler figures of this process from <c>/proc/self/task/*/schedstat</c> (Linux only;
/// elsewhere the snapshots are empty): time on a CPU, and time runnable but waiting for one (the run
/// queue). Tells which part of an in-process pipeline (the joiner's and learner's loops, librdkafka's
/// client threads, the embedded broker's thread, the JIT) spent the CPU, and whether the threads were
/// idle waiting for work or ready but starved of a core on a busy machine.
/// </summary>
internal static class ThreadCpu
{
    private const double NanosecondsPerSecond = 1e9;

    /// <summary>Nanoseconds on a CPU and waiting on the run queue, by thread id, with the thread's name.</summary>
    public static Dictionary<int, (string Name, long RunNs, long WaitNs)> Snapshot()
    {
        var threads = new Dictionary<int, (string, long, long)>();
        if (!OperatingSystem.IsLinux())
        {
            return threads;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                // "run-ns wait-ns timeslices"
                var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                var name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] =
                    (name, long.Parse(fields[0], CultureInfo.InvariantCulture), long.Parse(fields[1], CultureInfo.InvariantCulture));
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return threads;
    }

    [ThreadStatic]
    private static int t_threadId;

    /// <summary>The calling thread's OS id (Linux: where <c>/proc/thread-self</c> points), 0 elsewhere.</summary>
    public static int CurrentThreadId()
    {
        if (t_threadId == 0 && OperatingSystem.IsLinux())
        {
            // "/proc/<pid>/task/<tid>"
            t_threadId = int.Parse(Path.GetFileName(new FileInfo("/proc/thread-self").LinkTarget!), CultureInfo.InvariantCulture);
        }

        return t_threadId;
    }

    /// <summary>
    /// Seconds each thread name ran and waited for a CPU since <paramref name="before"/>, most CPU first
    /// (threads that ended meanwhile are not counted). Threads in <paramref name="names"/> (by OS id) are
    /// listed under that name; other dedicated threads (.NET's long-running tasks) one by one, with their id.
    /// </summary>
    public static List<(string Name, double Seconds, double WaitSeconds)> Since(Dictionary<int, (string Name, long RunNs, long WaitNs)> before, Dictionary<int, string> names) =>
        Snapshot()
            .Select(t =>
            {
                var known = before.TryGetValue(t.Key, out var b) && b.Name == t.Value.Name;
                var name = names.TryGetValue(t.Key, out var given) ? given
                    : t.Value.Name.StartsWith(".NET Long", StringComparison.Ordinal) ? $"{t.Value.Name}#{t.Key}" : t.Value.Name;
                return (Name: name, Run: t.Value.RunNs - (known ? b.RunNs : 0), Wait: t.Value.WaitNs - (known ? b.WaitNs : 0));
            })
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(t => t.Run) / NanosecondsPerSecond, g.Sum(t => t.Wait) / NanosecondsPerSecond))
            .Where(t => t.Item2 >= 0.01)
            .OrderByDescending(t => t.Item2)
            .ToList();
}
