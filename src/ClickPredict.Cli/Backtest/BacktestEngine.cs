using System.Diagnostics;
using System.Globalization;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;
using ClickPredict.Core.Training;
using ClickPredict.Learning.MlNet;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// Runs a back-test: reads the data once, then for each spec trains a model with the project's own
/// learners (FTRL or ML.NET L-BFGS) on the same rows, scores the same test rows through the bidder's
/// scoring path, measures serving and training cost, and compares every candidate with the baseline
/// by a paired bootstrap over the test rows.
/// </summary>
internal sealed class BacktestEngine
{
    private const int ChartPoints = 200;

    private readonly BacktestSettings _settings;
    private readonly IBacktestProgress _progress;

    public BacktestEngine(BacktestSettings settings, IBacktestProgress progress)
    {
        _settings = settings;
        _progress = progress;
    }

    public BacktestResult Run()
    {
        var clock = Stopwatch.StartNew();
        var table = Load();
        if (_settings.NoiseField is { } noise)
        {
            table.ReplaceWithNoise(noise, _settings.NoiseCardinality, (ulong)_settings.Seed);
        }

        var data = Split(table);
        double? extract = null;
        string? extractSource = null;
        if (_settings.Format == DataFormat.Events)
        {
            extract = ServingCost.OpenRtbExtraction(512, _settings.Seed, _settings.TimingBudget);
            extractSource = "OpenRTB field extraction (request + candidate) of 512 parsed simulator requests";
        }

        var outcomes = new List<SpecOutcome>();
        foreach (var source in _settings.Specs)
        {
            outcomes.Add(RunSpec(source, data));
        }

        outcomes = MeasureServingCost(outcomes, data);
        outcomes = Compare(outcomes, data.Labels);
        var (suggestions, resolution) = _settings.Suggest
            ? new SuggestionSearch(this, _settings).Run(outcomes[0], data, _progress)
            : ([], double.NaN);

        return new BacktestResult
        {
            Settings = _settings,
            Rows = table.Count,
            Positives = table.Positives,
            TrainRows = data.TrainRows,
            TestFrom = data.TestFrom,
            TestRows = data.TestTo - data.TestFrom,
            TestPositives = data.Labels.Count(c => c),
            TestFromUtc = table.Time(data.TestFrom),
            TestToUtc = table.Time(data.TestTo - 1),
            TimingRequests = data.TimingRequests.Length,
            ExtractNanoseconds = extract,
            ExtractSource = extractSource,
            Specs = outcomes,
            Suggestions = suggestions,
            TimingResolutionNanoseconds = resolution,
            WallSeconds = clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Trains and scores one spec on <paramref name="data"/> (its serving cost is measured apart, see <see cref="MeasureServingCost"/>).</summary>
    internal SpecOutcome RunSpec(SpecSource source, SplitData data, IBacktestProgress? progress = null)
    {
        var spec = source.Spec;
        var stage = (progress ?? _progress).Begin(source.Label, data.TrainRows + (data.TestTo - data.TestFrom));
        var clock = TrainingClock.StartNew();
        var info = new ModelInfo
        {
            ModelId = $"backtest-{spec.Name}",
            CreatedUtc = DateTimeOffset.UtcNow,
            Notes = _settings.CommandLine,
            TrainingData = new TrainingDataInfo
            {
                Source = $"{_settings.Data} ({CliOptions.Describe(_settings.Format)}), rows 1-{data.TrainRows}",
                Rows = data.TrainRows,
                Positives = data.TrainPositives,
            },
        };

        LogisticModel trained;
        double[]? progressive = null;
        long examplesSeen;
        if (_settings.Algorithm == BacktestSettings.Lbfgs)
        {
            trained = FitLbfgs(spec, data, info, stage);
            examplesSeen = data.TrainRows;
        }
        else
        {
            (trained, progressive, examplesSeen) = FitFtrl(spec, data, info, stage);
        }

        var wall = clock.WallSeconds;
        var cpu = clock.CpuSeconds;

        // What the bidder serves is the model read back from its file: score and time that one.
        var file = ModelFile.Serialize(trained);
        var model = ModelFile.Deserialize(file);
        var predictions = progressive ?? BacktestScorer.Score(model, data.Table, data.TestFrom, data.TestTo,
            done => stage.Report(data.TrainRows + done, "scoring"));
        var evaluation = BinaryMetrics.Evaluate(predictions, data.Labels);
        var calibrated = _settings.OnlineCalibration is { } calibration ? Calibrate(model, calibration, predictions, data) : null;
        stage.Finish(string.Create(
            CultureInfo.InvariantCulture,
            $"log loss {evaluation.LogLoss:F5}, AUC {evaluation.Auc:F4}, trained in {wall:F2} s"));

        return new SpecOutcome
        {
            Source = source,
            Model = model,
            NonZeroWeights = model.NonZeroCount,
            WeightBytes = model.WeightBytes,
            Evaluation = evaluation,
            Predictions = predictions,
            OnlineCalibration = calibrated,
            ModelFileBytes = file.Length,
            TrainWallSeconds = wall,
            TrainCpuSeconds = cpu,
            TrainRows = data.TrainRows,
            ExamplesSeen = examplesSeen,
            Roc = RocCurve.Compute(predictions, data.Labels, ChartPoints),
            LossOverTime = CumulativeLogLoss(predictions, data.Labels, ChartPoints),
        };
    }

    /// <summary>
    /// The test rows in file order through live calibration (<see cref="ProgressiveCalibration"/>, the
    /// trainer's <see cref="LiveCalibration"/>): each row's pCTR calibrated before its label updates the calibration.
    /// </summary>
    private ProgressiveCalibrationResult Calibrate(LogisticModel model, LiveCalibrationOptions options, double[] predictions, SplitData data)
    {
        if (data.TrainPositives == 0 || data.TrainPositives == data.TrainRows)
        {
            throw new CliException($"{_settings.Data}: the training rows hold {(data.TrainPositives == 0 ? "no click" : "only clicks")}, so there is no training CTR to compare live calibration with");
        }

        var progressive = new ProgressiveCalibration(model.Spec.Schema, options, (double)data.TrainPositives / data.TrainRows, _settings.CalibrationWindow);
        var values = new FieldValues(data.Table.Schema);
        for (var row = data.TestFrom; row < data.TestTo; row++)
        {
            data.Table.Fill(row, values);
            progressive.Add(predictions[row - data.TestFrom], values, data.Table.Label(row), data.Table.Time(row)?.ToUnixTimeMilliseconds() ?? row);
        }

        return progressive.Result();
    }

    /// <summary>Times every spec's hash-and-score path on the same requests, taking turns (see <see cref="ServingCost.HashAndScore"/>).</summary>
    internal List<SpecOutcome> MeasureServingCost(List<SpecOutcome> outcomes, SplitData data)
    {
        var stage = _progress.Begin("serving cost", null);
        var nanoseconds = ServingCost.HashAndScore([.. outcomes.Select(o => o.Model!)], data.TimingRequests, _settings.TimingBudget);
        stage.Finish(string.Create(
            CultureInfo.InvariantCulture,
            $"{string.Join(", ", outcomes.Select((o, i) => $"{o.Source.Label} {nanoseconds[i]:F0} ns"))} per request, over {data.TimingRequests.Length:N0} requests"));
        return [.. outcomes.Select((o, i) => o with { HashScoreNanoseconds = nanoseconds[i] })];
    }

    /// <summary>Adds to each candidate its paired comparison with the baseline (the first outcome).</summary>
    internal List<SpecOutcome> Compare(List<SpecOutcome> outcomes, bool[] labels)
    {
        var stage = _progress.Begin("bootstrap", outcomes.Count - 1);
        var bootstrap = Bootstrap();
        var baseline = outcomes[0];
        var compared = new List<SpecOutcome> { baseline };
        for (var i = 1; i < outcomes.Count; i++)
        {
            compared.Add(outcomes[i] with { VsBaseline = bootstrap.Compare(baseline.Predictions, outcomes[i].Predictions, labels) });
            stage.Report(i, outcomes[i].Source.Label);
        }

        stage.Finish(string.Create(CultureInfo.InvariantCulture, $"{outcomes.Count - 1} comparison(s), {_settings.Resamples:N0} resamples each, {_settings.ConfidenceText} intervals"));
        return compared;
    }

    internal PairedBootstrap Bootstrap() => new(_settings.Resamples, _settings.Confidence, (ulong)_settings.Seed);

    /// <summary>Cumulative mean log loss after each of about <paramref name="points"/> evenly spaced rows.</summary>
    internal static List<(int Rows, double LogLoss)> CumulativeLogLoss(ReadOnlySpan<double> predictions, ReadOnlySpan<bool> labels, int points)
    {
        var n = predictions.Length;
        var result = new List<(int, double)>(Math.Min(points, n));
        var sum = 0.0;
        var row = 0;
        for (var k = 1; k <= points; k++)
        {
            // Checkpoint k closes at row floor(k * n / points); the last one at n.
            var end = (int)((long)k * n / points);
            if (end == row)
            {
                continue;
            }

            for (; row < end; row++)
            {
                sum += BinaryMetrics.LogLoss(predictions[row], labels[row]);
            }

            result.Add((end, sum / end));
        }

        return result;
    }

    private ExampleTable Load()
    {
        var stage = _progress.Begin("read " + Path.GetFileName(_settings.Data), null);
        using var reader = ExampleReader.Open(_settings.Data, _settings.Format);
        var table = ExampleTable.Load(reader, _settings.MaxRows, rows => stage.Report(rows, string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows")));
        stage.Finish(string.Create(CultureInfo.InvariantCulture, $"{table.Count:N0} rows, {table.Positives:N0} clicks"));
        return table;
    }

    private SplitData Split(ExampleTable table)
    {
        if (table.Count == 0)
        {
            throw new CliException($"{_settings.Data}: no rows to back-test on");
        }

        int trainRows, testFrom;
        if (_settings.Progressive)
        {
            trainRows = table.Count;
            testFrom = 0;
        }
        else
        {
            // As fit --holdout-fraction (1 - split) does it: the last floor(rows x (1 - split)) rows test.
            // (in decimal, so --split 0.8 holds out exactly the rows --holdout-fraction 0.2 does: 1 - 0.8 is not 0.2 in doubles).
            trainRows = table.Count - (int)decimal.Floor(table.Count * (1 - (decimal)_settings.TrainFraction));
            testFrom = trainRows;
            if (trainRows == 0 || trainRows == table.Count)
            {
                throw new CliException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{_settings.Data}: {table.Count:N0} rows split at {_settings.TrainFraction} leave {(trainRows == 0 ? "nothing to train on" : "nothing to test on")}"));
            }
        }

        var labels = table.Labels(testFrom, table.Count);
        long trainPositives = 0;
        for (var row = 0; row < trainRows; row++)
        {
            trainPositives += table.Label(row) ? 1 : 0;
        }

        // Progressive mode times the rows the final model would see next: the last ones.
        var timingFrom = _settings.Progressive ? Math.Max(0, table.Count - _settings.TimingRows) : testFrom;
        return new SplitData(table, trainRows, trainPositives, testFrom, table.Count, labels, ServingCost.Requests(table, timingFrom, table.Count, _settings.TimingRows));
    }

    private (LogisticModel Model, double[]? Progressive, long ExamplesSeen) FitFtrl(FeatureSpec spec, SplitData data, ModelInfo info, IBacktestStage stage)
    {
        if (_settings.Progressive)
        {
            return FitProgressive(spec, data, info, stage);
        }

        var learner = new FtrlLearner(spec, _settings.FtrlOptions);
        var hasher = new FeatureHasher(spec);
        var indices = new int[hasher.FeatureCount];
        var values = new FieldValues(data.Table.Schema);
        for (var pass = 0; pass < _settings.Passes; pass++)
        {
            for (var row = 0; row < data.TrainRows; row++)
            {
                data.Table.Fill(row, values);
                hasher.Indices(values, indices);
                learner.Learn(indices, data.Table.Label(row));
                if (((row + 1) & 0xFFF) == 0)
                {
                    stage.Report((row + 1 + ((long)pass * data.TrainRows)) / _settings.Passes, Status("ftrl", pass, learner.Validation));
                }
            }
        }

        stage.Report(data.TrainRows, Status("ftrl", _settings.Passes - 1, learner.Validation));
        return (learner.ToModel(info), null, learner.ExamplesSeen);
    }

    /// <summary>
    /// Progressive validation through the trainer's own core (<see cref="OnlineTrainer"/>, no holdout and no
    /// retrain policy): every row is scored in file order, then learned, exactly as the trainer learns it.
    /// </summary>
    private (LogisticModel Model, double[] Progressive, long ExamplesSeen) FitProgressive(FeatureSpec spec, SplitData data, ModelInfo info, IBacktestStage stage)
    {
        var trainer = new OnlineTrainer(spec, new OnlineTrainerOptions { ModelId = info.ModelId, Ftrl = _settings.FtrlOptions, HoldoutExamples = 0, Source = _settings.Data }, policy: null);
        var values = new FieldValues(data.Table.Schema);
        var progressive = new double[data.TrainRows];
        for (var row = 0; row < data.TrainRows; row++)
        {
            data.Table.Fill(row, values);
            progressive[row] = trainer.Observe(values, data.Table.Label(row), data.Table.Time(row)?.ToUnixTimeMilliseconds() ?? row).Learner;
            if (((row + 1) & 0xFFF) == 0)
            {
                stage.Report(row + 1, Status("ftrl", 0, trainer.Validation));
            }
        }

        stage.Report(data.TrainRows, Status("ftrl", 0, trainer.Validation));
        return (trainer.Model(info), progressive, trainer.ExamplesSeen);
    }

    private string Status(string algorithm, int pass, ProgressiveValidation validation) => string.Create(
        CultureInfo.InvariantCulture,
        $"{algorithm}{(_settings.Passes > 1 ? $" pass {pass + 1}/{_settings.Passes}" : string.Empty)}, progressive log loss {validation.LogLoss:F5}");

    private LogisticModel FitLbfgs(FeatureSpec spec, SplitData data, ModelInfo info, IBacktestStage stage)
    {
        var hasher = new FeatureHasher(spec);
        var examples = new HashedExamples(spec, data.TrainRows);
        var indices = new int[hasher.FeatureCount];
        var values = new FieldValues(data.Table.Schema);
        for (var row = 0; row < data.TrainRows; row++)
        {
            data.Table.Fill(row, values);
            hasher.Indices(values, indices);
            examples.Add(indices, data.Table.Label(row), 1f, data.Table.Time(row));
        }

        stage.Report(data.TrainRows / 2, "lbfgs fitting");
        var model = new LbfgsLearner(_settings.LbfgsOptions with { Seed = _settings.Seed }).Fit(examples, info);
        stage.Report(data.TrainRows, "lbfgs fitted");
        return model;
    }
}
