namespace ClickPredict.Core.Calibration;

/// <summary>The JSON header of a calibration file (see <see cref="CalibrationFile"/>).</summary>
internal sealed record CalibrationHeader
{
    public required string Schema { get; init; }

    public double Global { get; init; }

    public double MaxShift { get; init; }

    public List<CalibrationSegment> Segments { get; init; } = [];

    public CalibrationInfo Info { get; init; } = new();
}
