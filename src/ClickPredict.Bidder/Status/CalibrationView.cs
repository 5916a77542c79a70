using ClickPredict.Bidder.Models;

namespace ClickPredict.Bidder.Status;

/// <summary>The live calibration the serving model's pCTRs are shifted with, on the status page and in <c>/status.json</c>.</summary>
internal sealed class CalibrationView
{
    /// <summary>Whether a calibration serves for the model in service (false: the model serves as it is).</summary>
    public bool Serving { get; init; }

    /// <summary>The model it calibrates and its number for that model.</summary>
    public string? Model { get; init; }

    public int Version { get; init; }

    public DateTimeOffset? LoadedUtc { get; init; }

    /// <summary>The global logit shift, and how many segment shifts the file holds.</summary>
    public double GlobalShift { get; init; }

    public int Segments { get; init; }

    /// <summary>What the trainer measured when it published it: recent observed over predicted clicks, and recent log loss with it, with the one it replaced, and with none.</summary>
    public double? ObservedOverPredicted { get; init; }

    public double? RecentLogLoss { get; init; }

    public double? ReplacedLogLoss { get; init; }

    public double? UncalibratedLogLoss { get; init; }

    public string? HalfLife { get; init; }

    /// <summary>Calibrations swapped in, and refused (corrupt, for another model), since start; why the last was refused.</summary>
    public long Swaps { get; init; }

    public long Refusals { get; init; }

    public string? LastRefusal { get; init; }

    public static CalibrationView Of(ModelHolder models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var holder = models.Calibrations;
        var serving = holder.For(models.Current);
        var info = serving?.Calibration.Info;
        return new CalibrationView
        {
            Serving = serving is not null,
            Model = serving?.Model,
            Version = serving?.Version ?? 0,
            LoadedUtc = serving?.LoadedUtc,
            GlobalShift = serving?.Calibration.Global ?? 0,
            Segments = serving?.Calibration.Segments.Count ?? 0,
            ObservedOverPredicted = Finite(info?.ObservedOverPredicted),
            RecentLogLoss = Finite(info?.RecentLogLoss),
            ReplacedLogLoss = Finite(info?.ServingLogLoss),
            UncalibratedLogLoss = Finite(info?.UncalibratedLogLoss),
            HalfLife = info?.HalfLife,
            Swaps = holder.Swaps,
            Refusals = holder.Refusals,
            LastRefusal = holder.LastRefusal is { } refusal ? $"{refusal.Label}: {refusal.Reason}" : null,
        };
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
