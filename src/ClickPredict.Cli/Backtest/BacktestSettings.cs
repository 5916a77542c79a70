using ClickPredict.Core.Calibration;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Metrics;
using ClickPredict.Learning.MlNet;

namespace ClickPredict.Cli.Backtest;

/// <summary>What one back-test compares, on what data, and how.</summary>
internal sealed record BacktestSettings
{
    public const string Ftrl = "ftrl", Lbfgs = "lbfgs";

    public required string Data { get; init; }

    public required DataFormat Format { get; init; }

    /// <summary>The baseline first, then the candidates.</summary>
    public required IReadOnlyList<SpecSource> Specs { get; init; }

    public string Algorithm { get; init; } = Ftrl;

    /// <summary>Positional split: the first fraction of the rows trains, the rest tests (ignored when <see cref="Progressive"/>).</summary>
    public double TrainFraction { get; init; } = 0.8;

    /// <summary>Progressive validation over every row (FTRL): each example is scored, then learned.</summary>
    public bool Progressive { get; init; }

    /// <summary>Live calibration of each trained model over the test rows in file order (split mode); null: none.</summary>
    public LiveCalibrationOptions? OnlineCalibration { get; init; }

    /// <summary>Rows per window of the calibration-over-time table.</summary>
    public int CalibrationWindow { get; init; } = 2000;

    /// <summary>FTRL passes over the training rows (split mode).</summary>
    public int Passes { get; init; } = 1;

    public FtrlOptions FtrlOptions { get; init; } = new();

    public LbfgsOptions LbfgsOptions { get; init; } = new();

    /// <summary>Seeds the bootstrap, the noise field and ML.NET.</summary>
    public int Seed { get; init; } = 1;

    public int Resamples { get; init; } = PairedBootstrap.DefaultResamples;

    public double Confidence { get; init; } = PairedBootstrap.DefaultConfidence;

    /// <summary>A field whose values are replaced by seeded random categories in every row (a pure-noise field), if any.</summary>
    public FieldDefinition? NoiseField { get; init; }

    public int NoiseCardinality { get; init; } = 100;

    /// <summary>Read at most this many rows of the file.</summary>
    public long MaxRows { get; init; } = long.MaxValue;

    /// <summary>Try every single field and pairwise cross the baseline lacks, ranked by gain per nanosecond.</summary>
    public bool Suggest { get; init; }

    /// <summary>With <see cref="Suggest"/>: the fields whose additions and pairwise crosses are tried (null: every field of the schema).</summary>
    public IReadOnlyList<FieldDefinition>? SuggestFields { get; init; }

    /// <summary>Rows timed per spec when measuring serving cost.</summary>
    public int TimingRows { get; init; } = 2048;

    /// <summary>Time spent timing each spec's serving cost (suggestions get half).</summary>
    public TimeSpan TimingBudget { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The command line, recorded in the outputs.</summary>
    public string CommandLine { get; init; } = string.Empty;

    public SpecSource Baseline => Specs[0];

    /// <summary><see cref="Confidence"/> as a percentage, e.g. <c>95%</c>.</summary>
    public string ConfidenceText => (Confidence * 100).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + "%";
}
