namespace ClickPredict.Core.Calibration;

/// <summary>One segment of a <see cref="LiveCalibrationState"/>: its field and value, decayed sums and decay clock.</summary>
public sealed record LiveCalibrationSegmentState
{
    public required string Field { get; init; }

    public required string Value { get; init; }

    public double Clicks { get; init; }

    public double Expected { get; init; }

    public double Variance { get; init; }

    public double Tick { get; init; } = double.NaN;
}
