using ClickPredict.Core.Calibration;

namespace ClickPredict.Bidder.Models;

/// <summary>A validated calibration in service for the model labelled <see cref="Model"/>, with where it came from. Immutable.</summary>
internal sealed record ServingCalibration(CalibrationShift Calibration, string Model, int Version, string Path, DateTimeOffset LoadedUtc)
{
    public override string ToString() => $"{Model} calibration {Version}";
}
