namespace ClickPredict.Core.Calibration;

/// <summary>
/// Where a <see cref="LiveCalibration"/> stands (its decayed sums, counts and segments), for the trainer's checkpoint,
/// with the champion it calibrates: a restart goes on from it rather than from the calibration the registry serves.
/// </summary>
public sealed record LiveCalibrationState
{
    /// <summary>The champion it calibrates (<c>ctr@7</c>); a restart with another champion starts afresh.</summary>
    public string? Model { get; init; }

    /// <summary>For a champion outside the registry (the shipped default file): its file's checksum.</summary>
    public string? ModelChecksum { get; init; }

    /// <summary>The decay clock: the last example's number or event time in seconds (NaN before any).</summary>
    public double Tick { get; init; } = double.NaN;

    /// <summary>Examples numbered so far (the clock of a half-life in examples).</summary>
    public long Count { get; init; }

    public long Examples { get; init; }

    public long Clicks { get; init; }

    public double DecayedClicks { get; init; }

    public double Expected { get; init; }

    public double Variance { get; init; }

    /// <summary>The decayed sum of pCTR times event time (seconds): over <see cref="Expected"/>, the level's mean time.</summary>
    public double TimeSum { get; init; }

    /// <summary>The newest example's event time, seconds (NaN before any).</summary>
    public double LatestTime { get; init; } = double.NaN;

    /// <summary>The level smoothed once more (the trend's second smoothing; NaN before any example, or in a checkpoint from before it).</summary>
    public double SmoothedShift { get; init; } = double.NaN;

    /// <summary>The level's mean time smoothed once more.</summary>
    public double SmoothedTime { get; init; } = double.NaN;

    public double Weight { get; init; }

    public double LossLive { get; init; }

    public double LossServing { get; init; }

    public double LossRaw { get; init; }

    /// <summary>Decayed sum of <c>shift² - v</c> of the global level over the shrinkage history (kept across champions; 0 in older checkpoints).</summary>
    public double LevelHistorySum { get; init; }

    /// <summary>Decayed count of the examples in <see cref="LevelHistorySum"/>.</summary>
    public double LevelHistoryWeight { get; init; }

    /// <summary>The decay clock when the history began (NaN: none yet, or an older checkpoint).</summary>
    public double HistoryStart { get; init; } = double.NaN;

    /// <summary>The decay clock of the history's latest example (NaN: none yet).</summary>
    public double HistoryLatest { get; init; } = double.NaN;

    public IReadOnlyList<LiveCalibrationSegmentState> Segments { get; init; } = [];
}
