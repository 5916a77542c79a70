namespace ClickPredict.Core.Registry;

/// <summary>
/// The calibration published for a registry version (its lineage): the file beside the model, its number,
/// the shifts in brief, and the figures its gate looked at.
/// </summary>
public sealed record CalibrationEntry
{
    /// <summary>The calibration file, relative to the registry directory.</summary>
    public required string File { get; init; }

    /// <summary>1, 2, ... for the model it calibrates.</summary>
    public required int Version { get; init; }

    public DateTimeOffset PublishedUtc { get; init; }

    public long FileBytes { get; init; }

    /// <summary>The global logit shift.</summary>
    public double GlobalShift { get; init; }

    /// <summary>Segment shifts in the file.</summary>
    public int Segments { get; init; }

    /// <summary>Examples and clicks it learned from since the model started serving.</summary>
    public long Examples { get; init; }

    public long Clicks { get; init; }

    /// <summary>Recent observed clicks over the model's predicted ones.</summary>
    public double? ObservedOverPredicted { get; init; }

    /// <summary>Recent progressive log loss with it, with the calibration it replaced, and with none.</summary>
    public double? RecentLogLoss { get; init; }

    public double? ServingLogLoss { get; init; }

    public double? UncalibratedLogLoss { get; init; }

    public string? HalfLife { get; init; }

    /// <summary>The policy's decision that published it.</summary>
    public string? Reason { get; init; }
}
