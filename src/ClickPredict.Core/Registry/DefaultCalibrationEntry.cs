namespace ClickPredict.Core.Registry;

/// <summary>
/// A calibration published for a model outside the registry (the shipped default file, serving until the first
/// publish), which no <see cref="RegistryEntry"/> can carry: the model is named by its label and its file's checksum.
/// </summary>
public sealed record DefaultCalibrationEntry
{
    /// <summary>The model's label (<c>ctr-default@1</c>).</summary>
    public required string Model { get; init; }

    /// <summary>Its file's checksum (<see cref="Model.ModelFile.ReadChecksum"/>), 16 hex digits.</summary>
    public required string ModelChecksum { get; init; }

    public required CalibrationEntry Calibration { get; init; }

    /// <summary>Whether it calibrates the model of this label and file checksum.</summary>
    public bool Calibrates(string? model, string? checksum) =>
        string.Equals(Model, model, StringComparison.Ordinal) && string.Equals(ModelChecksum, checksum, StringComparison.OrdinalIgnoreCase);
}
