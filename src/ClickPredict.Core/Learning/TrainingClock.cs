using System.Diagnostics;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Learning;

/// <summary>Measures what training costs: wall time and the process's CPU time, from <see cref="StartNew"/> on.</summary>
public sealed class TrainingClock
{
    private readonly long _startTicks;
    private readonly TimeSpan _startCpu;

    private TrainingClock()
    {
        _startCpu = Environment.CpuUsage.TotalTime;
        _startTicks = Stopwatch.GetTimestamp();
    }

    public static TrainingClock StartNew() => new();

    public double WallSeconds => Stopwatch.GetElapsedTime(_startTicks).TotalSeconds;

    public double CpuSeconds => (Environment.CpuUsage.TotalTime - _startCpu).TotalSeconds;

    /// <summary>The cost so far, for a model header.</summary>
    public TrainingCost Cost(long examplesSeen) => new()
    {
        CpuSeconds = CpuSeconds,
        WallSeconds = WallSeconds,
        ExamplesSeen = examplesSeen,
    };
}
