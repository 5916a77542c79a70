using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Calibration;

/// <summary>
/// What a <see cref="ProgressiveCalibration"/> measured: the model alone, the model with live calibration,
/// and two constants for an honest comparison (the training data's CTR, and the running CTR of the rows
/// seen so far), each scored on every row before its label was known.
/// </summary>
public sealed record ProgressiveCalibrationResult
{
    public required Evaluation Model { get; init; }

    public required Evaluation Calibrated { get; init; }

    /// <summary>Predicting the training data's CTR on every row.</summary>
    public required Evaluation TrainConstant { get; init; }

    /// <summary>Predicting, on each row, the CTR of the rows before it (see <see cref="ProgressiveCalibration"/>).</summary>
    public required Evaluation RunningConstant { get; init; }

    /// <summary>Calibrated minus the model alone, paired bootstrap over the rows (1000 resamples, 95%, seed 1).</summary>
    public required PairedComparison VsModel { get; init; }

    /// <summary>Calibrated minus the running-CTR constant, the same way.</summary>
    public required PairedComparison VsRunning { get; init; }

    public required double TrainCtr { get; init; }

    /// <summary>The calibration's half-life, as text (<c>5000 examples</c>).</summary>
    public required string HalfLife { get; init; }

    public required IReadOnlyList<CalibrationWindow> Windows { get; init; }

    /// <summary>The calibration at the end (global and segment shifts, recent figures).</summary>
    public required CalibrationShift Final { get; init; }

    /// <summary>The first window from which on every window's calibration (with clicks) is within <paramref name="tolerance"/> of 1; null if none.</summary>
    public CalibrationWindow? SettledFrom(double tolerance)
    {
        CalibrationWindow? settled = null;
        foreach (var window in Windows)
        {
            if (window.Clicks > 0 && Math.Abs(window.Calibration - 1) > tolerance)
            {
                settled = null;
            }
            else
            {
                settled ??= window;
            }
        }

        return settled;
    }
}
