namespace ClickPredict.Core.Calibration;

/// <summary>Where a <see cref="CalibrationShift"/> comes from and what it measured when it was taken (its lineage).</summary>
public sealed record CalibrationInfo
{
    /// <summary>The model it calibrates (<c>ctr@7</c>), as the registry labels it; null before it is stored.</summary>
    public string? Model { get; init; }

    /// <summary>
    /// For a model outside the registry (the shipped default file, which serves until the first publish): that
    /// file's checksum (<see cref="Model.ModelFile.ReadChecksum"/>), which names the model with <see cref="Model"/>.
    /// Null for a registry version, which its label names.
    /// </summary>
    public string? ModelChecksum { get; init; }

    /// <summary>Its number in the registry (1, 2, ... per model); 0 before it is stored.</summary>
    public int Version { get; init; }

    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Labelled examples it learned from since the model started serving.</summary>
    public long Examples { get; init; }

    /// <summary>Clicks among them.</summary>
    public long Clicks { get; init; }

    /// <summary>Recent (decayed) observed CTR over the model's mean pCTR: what the global shift corrects.</summary>
    public double ObservedOverPredicted { get; init; } = double.NaN;

    /// <summary>Recent (decayed) progressive log loss with the live calibration.</summary>
    public double RecentLogLoss { get; init; } = double.NaN;

    /// <summary>Recent log loss of the calibration serving when it was taken (none: the model alone).</summary>
    public double ServingLogLoss { get; init; } = double.NaN;

    /// <summary>Recent log loss of the model without calibration.</summary>
    public double UncalibratedLogLoss { get; init; } = double.NaN;

    /// <summary>The half-life it was learned with, as text (<c>5000 examples</c>).</summary>
    public string? HalfLife { get; init; }

    /// <summary>The retrain policy's decision that published it, as text.</summary>
    public string? Notes { get; init; }
}
