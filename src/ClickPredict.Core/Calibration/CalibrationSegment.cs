namespace ClickPredict.Core.Calibration;

/// <summary>One segment's logit shift, on top of the global one: examples whose <paramref name="Field"/> is <paramref name="Value"/>.</summary>
public sealed record CalibrationSegment(string Field, string Value, double Shift);
