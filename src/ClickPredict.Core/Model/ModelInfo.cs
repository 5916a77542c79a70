namespace ClickPredict.Core.Model;

/// <summary>What a model is and where it came from: the header of a model file (apart from its feature spec).</summary>
public sealed record ModelInfo
{
    /// <summary>Stable name of the model line, e.g. <c>ctr-default</c>.</summary>
    public string ModelId { get; init; } = "ctr";

    /// <summary>Increases by one with every model published on the line.</summary>
    public int Version { get; init; } = 1;

    /// <summary><c>modelId@version</c> of the model this one was trained from or replaces, if any.</summary>
    public string? Parent { get; init; }

    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>Learner that produced the weights: <c>ftrl</c>, <c>lbfgs</c>, <c>sdca</c>, <c>onnx</c>, ...</summary>
    public string Algorithm { get; init; } = "unknown";

    public IReadOnlyDictionary<string, double> HyperParameters { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// Fraction of negatives kept when training (1 = none dropped). Predictions are re-calibrated with
    /// <c>q = p / (p + (1 - p) / w)</c>, <c>w = 1 / rate</c> (He et al. 2014), so served pCTRs stay calibrated.
    /// </summary>
    public double NegativeSamplingRate { get; init; } = 1.0;

    public TrainingDataInfo TrainingData { get; init; } = new();

    /// <summary>Evaluation figures at training time (<c>logLoss</c>, <c>auc</c>, ...), on the data <see cref="TrainingData"/> names.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public TrainingCost Cost { get; init; } = new();

    public string? Notes { get; init; }

    /// <summary><c>modelId@version</c>.</summary>
    public string Label => $"{ModelId}@{Version}";
}

/// <summary>The data a model was trained on.</summary>
public sealed record TrainingDataInfo
{
    /// <summary>A file path, a topic, or <c>simulator(seed=...)</c>.</summary>
    public string? Source { get; init; }

    public long Rows { get; init; }

    public long Positives { get; init; }

    public DateTimeOffset? FromUtc { get; init; }

    public DateTimeOffset? ToUtc { get; init; }

    /// <summary>Kafka offsets covered, as <c>topic/partition:from-to,...</c>, when trained from a topic.</summary>
    public string? Offsets { get; init; }
}

/// <summary>What training the model cost.</summary>
public sealed record TrainingCost
{
    public double CpuSeconds { get; init; }

    public double WallSeconds { get; init; }

    /// <summary>Examples learned from, counting each pass.</summary>
    public long ExamplesSeen { get; init; }
}
