using System.Diagnostics;

namespace ClickPredict.Core.Training;

/// <summary>
/// Where an <see cref="OnlineTrainer"/> reads the CPU and wall time it charges to its rounds and to the
/// models it publishes (their lineage's cost). <see cref="Thread"/> measures the calling thread; a
/// <see cref="Frozen"/> meter reads zero, so two runs over the same examples write byte-identical model
/// files (what the parity test compares).
/// </summary>
public sealed class TrainingMeter
{
    private static readonly long s_start = Stopwatch.GetTimestamp();

    private readonly Func<double> _cpuSeconds;
    private readonly Func<double> _wallSeconds;

    /// <param name="cpuSeconds">CPU seconds used so far by the thread that trains.</param>
    /// <param name="wallSeconds">Wall seconds on any monotonic clock.</param>
    public TrainingMeter(Func<double> cpuSeconds, Func<double> wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(cpuSeconds);
        ArgumentNullException.ThrowIfNull(wallSeconds);
        _cpuSeconds = cpuSeconds;
        _wallSeconds = wallSeconds;
    }

    /// <summary>The calling thread's CPU time (<see cref="CpuClock"/>) and the process's monotonic clock.</summary>
    public static TrainingMeter Thread { get; } = new(CpuClock.ThreadSeconds, () => Stopwatch.GetElapsedTime(s_start).TotalSeconds);

    /// <summary>Reads zero: nothing is charged, and what is written depends on the examples alone.</summary>
    public static TrainingMeter Frozen { get; } = new(static () => 0, static () => 0);

    public double CpuSeconds() => _cpuSeconds();

    public double WallSeconds() => _wallSeconds();
}
