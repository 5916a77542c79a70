using ClickPredict.Core.Model;

namespace ClickPredict.Core.Registry;

/// <summary>One published model in a registry's index: enough lineage to list and compare without opening the file.</summary>
public sealed record RegistryEntry
{
    /// <summary><c>modelId@version</c>.</summary>
    public required string Label { get; init; }

    public required string ModelId { get; init; }

    public required int Version { get; init; }

    /// <summary>File name inside the registry directory.</summary>
    public required string File { get; init; }

    /// <summary>Label of the model this one was trained from or replaced.</summary>
    public string? Parent { get; init; }

    public DateTimeOffset CreatedUtc { get; init; }

    public DateTimeOffset PublishedUtc { get; init; }

    public string Algorithm { get; init; } = string.Empty;

    public string SpecName { get; init; } = string.Empty;

    public string SpecFingerprint { get; init; } = string.Empty;

    public long FileBytes { get; init; }

    public int NonZeroWeights { get; init; }

    public TrainingDataInfo TrainingData { get; init; } = new();

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public TrainingCost Cost { get; init; } = new();

    /// <summary>Why it was published (the retrain policy's decision, or a manual note).</summary>
    public string? Reason { get; init; }

    /// <summary>The latest calibration published for this version (null: none; the model serves as it is).</summary>
    public CalibrationEntry? Calibration { get; init; }
}
