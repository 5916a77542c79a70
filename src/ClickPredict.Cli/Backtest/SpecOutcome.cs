using ClickPredict.Core.Calibration;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;

namespace ClickPredict.Cli.Backtest;

/// <summary>What one spec of a back-test measured: accuracy on the test rows, serving cost and training cost.</summary>
internal sealed record SpecOutcome
{
    public required SpecSource Source { get; init; }

    /// <summary>The trained model, as the bidder would load it from its file (not kept for suggestions).</summary>
    public LogisticModel? Model { get; init; }

    /// <summary>Weights the model keeps (L1 zeroes the rest).</summary>
    public long NonZeroWeights { get; init; }

    /// <summary>Bytes the model's weights take in memory, in the layout the bidder loads it in.</summary>
    public long WeightBytes { get; init; }

    /// <summary>Metrics on the test rows (split) or of progressive validation (every row).</summary>
    public required Evaluation Evaluation { get; init; }

    /// <summary>The prediction for each test row, in order (needed for the paired comparison).</summary>
    public required double[] Predictions { get; init; }

    /// <summary>The test rows again in file order with live calibration, next to the constants; null without <c>--online-calibration</c>.</summary>
    public ProgressiveCalibrationResult? OnlineCalibration { get; init; }

    /// <summary>Against the baseline; null for the baseline itself.</summary>
    public PairedComparison? VsBaseline { get; init; }

    /// <summary>Hashing and scoring one request (one candidate), nanoseconds: the spec's share of serving cost.</summary>
    public double HashScoreNanoseconds { get; init; }

    /// <summary>Bytes of the model file.</summary>
    public long ModelFileBytes { get; init; }

    public double TrainWallSeconds { get; init; }

    public double TrainCpuSeconds { get; init; }

    /// <summary>Rows trained on (each pass counted once).</summary>
    public long TrainRows { get; init; }

    /// <summary>Examples learned, counting every pass.</summary>
    public long ExamplesSeen { get; init; }

    /// <summary>The ROC curve on the test rows, thinned for charts.</summary>
    public IReadOnlyList<RocPoint> Roc { get; init; } = [];

    /// <summary>Cumulative mean log loss over the test rows in order: (rows so far, log loss).</summary>
    public IReadOnlyList<(int Rows, double LogLoss)> LossOverTime { get; init; } = [];
}
