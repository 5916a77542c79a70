namespace ClickPredict.Core.Calibration;

/// <summary>
/// Calibration over one window of consecutive rows of a progressive evaluation: observed CTR next to the
/// mean pCTR of the model alone, with live calibration, and of the running-CTR constant.
/// </summary>
public sealed record CalibrationWindow
{
    /// <summary>The window's first row (0-based, counting evaluated rows).</summary>
    public long From { get; init; }

    public long Rows { get; init; }

    public long Clicks { get; init; }

    public double ObservedCtr => Rows > 0 ? (double)Clicks / Rows : double.NaN;

    /// <summary>Mean pCTR of the model without calibration.</summary>
    public double MeanModel { get; init; }

    /// <summary>Mean pCTR with live calibration.</summary>
    public double MeanCalibrated { get; init; }

    /// <summary>Mean prediction of the running-CTR constant.</summary>
    public double MeanRunning { get; init; }

    /// <summary>Mean calibrated pCTR over observed CTR (1 is calibrated; NaN without clicks).</summary>
    public double Calibration => Clicks > 0 ? MeanCalibrated / ObservedCtr : double.NaN;

    /// <summary>Mean uncalibrated pCTR over observed CTR.</summary>
    public double ModelCalibration => Clicks > 0 ? MeanModel / ObservedCtr : double.NaN;
}
