using System.Text.Json.Serialization;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Learning;

namespace ClickPredict.Core.Training;

/// <summary>
/// Everything an <see cref="OnlineTrainer"/> needs to go on where it was: the FTRL state (bit for bit),
/// the offsets it covers, the schedule, the lineage counters and its clocks. What is not here (the
/// holdout, the live and drift windows) refills by replaying from <see cref="Offsets"/>.
/// </summary>
public sealed record OnlineTrainerState
{
    /// <summary>Per partition, the next offset not yet in the state (the oldest held-out example, or the next to read).</summary>
    public Dictionary<int, long> Offsets { get; init; } = [];

    /// <summary>Per partition, the first offset the state has learned from (the start of its lineage).</summary>
    public Dictionary<int, long> StartOffsets { get; init; } = [];

    /// <summary>Examples learned (FTRL updates) and sampled out.</summary>
    public long Learned { get; init; }

    public long SampledOut { get; init; }

    public long Positives { get; init; }

    public DateTimeOffset? FromUtc { get; init; }

    public DateTimeOffset? ToUtc { get; init; }

    /// <summary>CPU seconds spent since the last publish (learning and rounds), charged to the next model.</summary>
    public double CpuSincePublish { get; init; }

    /// <summary>Event time (Unix ms) from which the policy is next consulted (<see cref="long.MinValue"/>: at the next example).</summary>
    public long NextCheckMs { get; init; } = long.MinValue;

    /// <summary>Examples covered (learned, sampled out), for a count-based check cadence.</summary>
    public long Observed { get; init; }

    /// <summary>The latest event time seen (Unix ms), the policy's clock.</summary>
    public long ClockMs { get; init; } = long.MinValue;

    /// <summary>Where the down-sampler's draws are (so a restart keeps the same negatives).</summary>
    public ulong SamplerPosition { get; init; }

    public SchedulerState Scheduler { get; init; } = new();

    /// <summary>The live calibration of the champion (null: none, or calibration off).</summary>
    public LiveCalibrationState? Calibration { get; init; }

    /// <summary>
    /// Per partition, the next offset the <see cref="Calibration"/> has not observed: examples replayed from
    /// <see cref="Offsets"/> below it (the held-out ones) are not observed twice.
    /// </summary>
    public Dictionary<int, long> CalibrationOffsets { get; init; } = [];

    [JsonIgnore]
    public FtrlState? State { get; init; }
}
