using Microsoft.Extensions.Logging;

namespace ClickPredict.Bidder.Diagnostics;

/// <summary>Log messages of live calibration; event ids 60-69 are kept for them (60 and 61 used).</summary>
internal static partial class Log
{
    [LoggerMessage(60, LogLevel.Information, "Calibrating {Model} with calibration {Version} from {Path}: global shift {Global:+0.0000;-0.0000}, {Segments} segment shift(s)")]
    public static partial void CalibrationServing(ILogger logger, string model, int version, string path, double global, int segments);

    [LoggerMessage(61, LogLevel.Warning, "Refused calibration {Version} of {Model} from {Path}: {Reason}; still serving {Serving}")]
    public static partial void CalibrationRefused(ILogger logger, string model, int version, string path, string reason, string serving);
}
