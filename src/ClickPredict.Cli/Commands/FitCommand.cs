using System.CommandLine;
using System.Globalization;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;
using ClickPredict.Learning.MlNet;
using Spectre.Console;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict fit</c>: trains a model on a data file with FTRL-Proximal (streaming, one or more
/// passes) or an ML.NET batch fit (L-BFGS or SDCA, on the same hashed indices held in memory),
/// optionally holding out the last fraction of the rows and evaluating on them, and writes a model
/// file whose header records the data, the algorithm and its hyper-parameters, the metrics and the cost.
/// </summary>
internal static class FitCommand
{
    private static readonly string[] s_algorithms = ["ftrl", "lbfgs", "sdca"];

    public static Command Create(CliContext context)
    {
        var data = CliOptions.Data();
        var format = CliOptions.Format();
        var features = new Option<string>("--features") { Description = "Feature spec (JSON), e.g. config/features/avazu.json", Required = true };
        var algorithm = new Option<string>("--algo") { Description = "Learner: ftrl, lbfgs or sdca", DefaultValueFactory = _ => "ftrl" };
        algorithm.AcceptOnlyFromAmong(s_algorithms);
        var holdout = CliOptions.HoldoutFraction("Hold out the last fraction of the rows (by position) and report metrics on them");
        var passes = CliOptions.Count("--passes", "Passes over the training rows (FTRL)", 1);
        var output = new Option<string>("--out") { Description = "Model file to write", Required = true };
        var alpha = CliOptions.Number("--alpha", "FTRL learning-rate scale (default 0.05)", 0, exclusive: true);
        var beta = CliOptions.Number("--beta", "FTRL learning-rate smoothing (default 1)", 0, exclusive: true);
        var l1 = CliOptions.Number("--l1", "L1 strength (FTRL lambda1, default 1; L-BFGS default 1; SDCA default 0)", 0, exclusive: false);
        var l2 = CliOptions.Number("--l2", "L2 strength (FTRL lambda2, default 1; L-BFGS default 1; SDCA default 1e-4)", 0, exclusive: false);
        var maxIterations = CliOptions.Count("--max-iterations", "Iteration cap (L-BFGS default 1000, SDCA default 20)", 0, minimum: 0);
        var negativeRate = CliOptions.Number("--negative-rate", "FTRL: keep this fraction of non-clicks (negative down-sampling); the model re-calibrates", 0, exclusive: true);
        var importance = new Option<bool>("--importance-weights") { Description = "FTRL with --negative-rate: learn kept negatives with weight 1/rate instead of re-calibrating" };
        var seed = new Option<int>("--seed") { Description = "Seed (down-sampling, ML.NET)", DefaultValueFactory = _ => 1 };
        var modelId = new Option<string?>("--model-id") { Description = "Model id to record (default ctr-<spec name>)" };

        var command = new Command("fit", "Train a model on a data file and write a model file")
        {
            data, format, features, algorithm, holdout, passes, output, alpha, beta, l1, l2, maxIterations, negativeRate, importance, seed, modelId,
        };
        command.SetAction(parsed =>
        {
            var rate = parsed.GetValue(negativeRate) ?? 1.0;
            if (rate > 1)
            {
                throw new CliException($"--negative-rate must be in (0, 1], not {rate.ToString(CultureInfo.InvariantCulture)}");
            }

            var request = new FitRequest
            {
                Data = parsed.GetValue(data)!,
                Format = CliOptions.ParseFormat(parsed.GetValue(format)!),
                SpecPath = parsed.GetValue(features)!,
                Algorithm = parsed.GetValue(algorithm)!,
                HoldoutFraction = parsed.GetValue(holdout),
                Passes = parsed.GetValue(passes),
                Output = parsed.GetValue(output)!,
                Alpha = parsed.GetValue(alpha),
                Beta = parsed.GetValue(beta),
                L1 = parsed.GetValue(l1),
                L2 = parsed.GetValue(l2),
                MaxIterations = parsed.GetValue(maxIterations),
                NegativeRate = rate,
                ImportanceWeights = parsed.GetValue(importance),
                Seed = parsed.GetValue(seed),
                ModelId = parsed.GetValue(modelId),
                CommandLine = "clickpredict " + string.Join(' ', parsed.Tokens.Select(t => t.Value)),
            };
            return Run(context, request);
        });
        return command;
    }

    private static int Run(CliContext context, FitRequest request)
    {
        if (request.Algorithm != "ftrl" && (request.Passes != 1 || request.NegativeRate != 1 || request.Alpha is not null || request.Beta is not null))
        {
            throw new CliException($"--passes, --negative-rate, --alpha and --beta apply to --algo ftrl only, not {request.Algorithm}");
        }

        var spec = FeatureSpec.Load(request.SpecPath);
        CliOptions.CheckSchema(spec, request.Format, $"feature spec '{request.SpecPath}'");
        var total = request.HoldoutFraction > 0 ? CliOptions.CountRows(request.Data, request.Format) : (long?)null;
        var (trainRows, holdoutRows) = total is { } rows ? CliOptions.Split(rows, request.HoldoutFraction) : (long.MaxValue, 0);
        if (trainRows == 0)
        {
            throw new CliException($"{request.Data}: no rows to train on");
        }

        var info = new ModelInfo
        {
            ModelId = request.ModelId ?? $"ctr-{spec.Name}",
            Version = 1,
            CreatedUtc = DateTimeOffset.UtcNow,
            Notes = request.CommandLine,
        };
        var model = request.Algorithm == "ftrl"
            ? FitFtrl(context, request, spec, trainRows, total, info)
            : FitBatch(context, request, spec, trainRows, total, info);

        var metrics = new Dictionary<string, double>(model.Info.Metrics, StringComparer.Ordinal);
        if (holdoutRows > 0)
        {
            var evaluation = Evaluate(context, model, request, trainRows, holdoutRows);
            metrics["holdoutRows"] = evaluation.Rows;
            metrics["holdoutLogLoss"] = evaluation.LogLoss;
            metrics["holdoutAuc"] = evaluation.Auc;
            metrics["holdoutNormalizedEntropy"] = evaluation.NormalizedEntropy;
            metrics["holdoutCalibration"] = evaluation.Calibration;
        }

        model = model.WithInfo(model.Info with { Metrics = metrics });
        ModelFile.Save(model, request.Output);
        Summarise(context, model, request);
        return CliApp.Ok;
    }

    private static LogisticModel FitFtrl(CliContext context, FitRequest request, FeatureSpec spec, long trainRows, long? total, ModelInfo info)
    {
        var weighted = request.ImportanceWeights && request.NegativeRate < 1;
        var options = new FtrlOptions
        {
            Alpha = request.Alpha ?? new FtrlOptions().Alpha,
            Beta = request.Beta ?? new FtrlOptions().Beta,
            Lambda1 = request.L1 ?? new FtrlOptions().Lambda1,
            Lambda2 = request.L2 ?? new FtrlOptions().Lambda2,
            NegativeSamplingRate = weighted ? 1.0 : request.NegativeRate,
        };
        var learner = new FtrlLearner(spec, options);
        var sampler = request.NegativeRate < 1 ? new NegativeDownsampler(request.NegativeRate, (ulong)request.Seed) : null;
        var hasher = new FeatureHasher(spec);
        var indices = new int[hasher.FeatureCount];
        var clock = TrainingClock.StartNew();
        var trainingData = new TrainingDataInfo();
        var progress = new Progress(context);
        for (var pass = 1; pass <= request.Passes; pass++)
        {
            var title = request.Passes == 1 ? "ftrl" : $"ftrl pass {pass}/{request.Passes}";
            progress.Run(title, total is null ? null : trainRows, p =>
            {
                using var reader = ExampleReader.Open(request.Data, request.Format);
                long row = 0, positives = 0;
                DateTimeOffset? from = null, to = null;
                while (row < trainRows && reader.Read())
                {
                    row++;
                    var clicked = reader.Label;
                    positives += clicked ? 1 : 0;
                    if (reader.Time is { } time)
                    {
                        from = from is null || time < from ? time : from;
                        to = to is null || time > to ? time : to;
                    }

                    if (sampler is null || sampler.Keep(clicked))
                    {
                        hasher.Indices(reader.Values, indices);
                        learner.Learn(indices, clicked, weighted ? sampler!.Importance(clicked) : 1.0);
                    }

                    if (Progress.Due(row))
                    {
                        p.Update(row, RunningLoss(learner));
                    }
                }

                p.Finish(row, RunningLoss(learner));
                trainingData = new TrainingDataInfo { Source = Source(request), Rows = row, Positives = positives, FromUtc = from, ToUtc = to };
            });
        }

        return learner.ToModel(info with { TrainingData = trainingData, Cost = clock.Cost(learner.ExamplesSeen) });
    }

    private static LogisticModel FitBatch(CliContext context, FitRequest request, FeatureSpec spec, long trainRows, long? total, ModelInfo info)
    {
        var clock = TrainingClock.StartNew();
        HashedExamples? examples = null;
        var progress = new Progress(context);
        progress.Run("hashing", total is null ? null : trainRows, p =>
        {
            using var reader = ExampleReader.Open(request.Data, request.Format);
            examples = HashedExamples.Read(reader, spec, 0, trainRows);
            p.Finish(examples.Count, string.Empty);
        });

        if (examples!.Count == 0)
        {
            throw new CliException($"{request.Data}: no rows to train on");
        }

        info = info with
        {
            TrainingData = new TrainingDataInfo
            {
                Source = Source(request),
                Rows = examples.Count,
                Positives = examples.Positives,
                FromUtc = examples.FromUtc,
                ToUtc = examples.ToUtc,
            },
        };
        LogisticModel? model = null;
        progress.Run(request.Algorithm, null, p =>
        {
            model = request.Algorithm == "lbfgs"
                ? new LbfgsLearner(new LbfgsOptions
                {
                    L1 = request.L1 ?? new LbfgsOptions().L1,
                    L2 = request.L2 ?? new LbfgsOptions().L2,
                    MaxIterations = request.MaxIterations > 0 ? request.MaxIterations : new LbfgsOptions().MaxIterations,
                    Seed = request.Seed,
                }).Fit(examples, info)
                : new SdcaLearner(new SdcaOptions
                {
                    L1 = request.L1 ?? new SdcaOptions().L1,
                    L2 = request.L2 ?? new SdcaOptions().L2,
                    MaxIterations = request.MaxIterations > 0 ? request.MaxIterations : new SdcaOptions().MaxIterations,
                    Seed = request.Seed,
                }).Fit(examples, info);
            p.Finish(examples.Count, "fitted");
        });

        // The learner timed the fit alone; the cost covers reading and hashing too.
        return model!.WithInfo(model!.Info with { Cost = clock.Cost(examples.Count) });
    }

    private static Evaluation Evaluate(CliContext context, LogisticModel model, FitRequest request, long skip, long rows)
    {
        var accumulator = new EvaluationAccumulator();
        new Progress(context).Run("holdout", rows, p =>
        {
            using var reader = ExampleReader.Open(request.Data, request.Format);
            long row = 0;
            while (reader.Read())
            {
                if (++row <= skip)
                {
                    continue;
                }

                accumulator.Add(model.Predict(reader.Values), reader.Label);
                if (Progress.Due(accumulator.Count))
                {
                    p.Update(accumulator.Count, string.Create(CultureInfo.InvariantCulture, $"log loss {accumulator.LogLoss:F5}"));
                }
            }

            p.Finish(accumulator.Count, string.Create(CultureInfo.InvariantCulture, $"log loss {accumulator.LogLoss:F5}"));
        });
        return accumulator.Evaluate();
    }

    private static string RunningLoss(FtrlLearner learner) =>
        string.Create(CultureInfo.InvariantCulture, $"progressive log loss {learner.Validation.LogLoss:F5}");

    private static string Source(FitRequest request) => $"{request.Data} ({CliOptions.Describe(request.Format)})";

    private static void Summarise(CliContext context, LogisticModel model, FitRequest request)
    {
        var table = new Table().AddColumn("fit").AddColumn("value");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("model", $"{model.Info.Label} ({model.Info.Algorithm})");
        Row("feature spec", $"{model.Spec.Name} {model.Spec.FingerprintHex}, {model.Hasher.FeatureCount} features, 2^{model.Spec.HashBits} slots");
        Row("hyper-parameters", string.Join(", ", model.Info.HyperParameters.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Key}={h.Value}"))));
        Row("trained on", string.Create(CultureInfo.InvariantCulture, $"{model.Info.TrainingData.Rows:N0} rows, {model.Info.TrainingData.Positives:N0} clicks of {model.Info.TrainingData.Source}"));
        foreach (var (key, value) in model.Info.Metrics)
        {
            Row(key, value.ToString("0.######", CultureInfo.InvariantCulture));
        }

        Row("non-zero weights", model.NonZeroCount.ToString("N0", CultureInfo.InvariantCulture));
        Row("cost", string.Create(CultureInfo.InvariantCulture, $"{model.Info.Cost.WallSeconds:F2} s wall, {model.Info.Cost.CpuSeconds:F2} s CPU, {model.Info.Cost.ExamplesSeen:N0} examples"));
        Row("written to", request.Output);
        context.Console.Write(table);
    }

    private sealed record FitRequest
    {
        public required string Data { get; init; }

        public required DataFormat Format { get; init; }

        public required string SpecPath { get; init; }

        public required string Algorithm { get; init; }

        public double HoldoutFraction { get; init; }

        public int Passes { get; init; }

        public required string Output { get; init; }

        public double? Alpha { get; init; }

        public double? Beta { get; init; }

        public double? L1 { get; init; }

        public double? L2 { get; init; }

        public int MaxIterations { get; init; }

        public double NegativeRate { get; init; }

        public bool ImportanceWeights { get; init; }

        public int Seed { get; init; }

        public string? ModelId { get; init; }

        public required string CommandLine { get; init; }
    }
}
