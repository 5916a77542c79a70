using System.CommandLine;
using System.Globalization;
using ClickPredict.Cli.Backtest;
using ClickPredict.Cli.Calibration;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Learning.MlNet;
using Spectre.Console;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict backtest</c>: trains and evaluates a baseline feature spec and candidate specs on
/// the same rows of a data file, with the learners and the scoring path the bidder serves with, and
/// shows for each its accuracy (log loss, AUC, NE, calibration), the difference against the baseline
/// with a paired-bootstrap interval, its serving cost (ns per request, weights, model bytes) and its
/// training time; as a console table, <c>--json</c>, and an HTML report with charts (<c>--report</c>).
/// <c>--suggest</c> tries every single field and pairwise cross the baseline lacks instead.
/// </summary>
internal static class BacktestCommand
{
    private static readonly string[] s_algorithms = [BacktestSettings.Ftrl, BacktestSettings.Lbfgs];

    public static Command Create(CliContext context)
    {
        var data = CliOptions.Data();
        var format = CliOptions.Format();
        var baseline = new Option<string>("--baseline") { Description = "Baseline feature spec (JSON)", Required = true };
        var candidates = new Option<string[]>("--candidate")
        {
            Description = "Candidate feature spec (JSON); repeat for several",
            AllowMultipleArgumentsPerToken = false,
            Arity = ArgumentArity.ZeroOrMore,
        };
        var algorithm = new Option<string>("--algo") { Description = "Learner: ftrl (streaming) or lbfgs (ML.NET batch)", DefaultValueFactory = _ => BacktestSettings.Ftrl };
        algorithm.AcceptOnlyFromAmong(s_algorithms);
        var split = CliOptions.Number("--split", "Train on this first fraction of the rows, test on the rest (default 0.8)", 0, exclusive: true);
        var progressive = new Option<bool>("--progressive") { Description = "Progressive validation (FTRL): score every row before learning it, no split" };
        var report = new Option<string?>("--report") { Description = "Write a self-contained HTML report (table, ROC, reliability, log loss over time) to this file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of the table" };
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap, the noise field and ML.NET", DefaultValueFactory = _ => 1 };
        var bootstrap = CliOptions.Count("--bootstrap", "Paired-bootstrap resamples", 1000, minimum: 10);
        var confidence = CliOptions.Number("--confidence", "Interval coverage (default 0.95)", 0, exclusive: true);
        var suggest = new Option<bool>("--suggest") { Description = "Try every single field and pairwise cross the baseline lacks; rank by log-loss gain per ns of serving cost" };
        var suggestFields = new Option<string?>("--suggest-fields") { Description = "With --suggest: only try these fields (comma-separated) and crosses among them" };
        var maxIterations = CliOptions.Count("--max-iterations", "L-BFGS iteration cap (default 1000)", 0, minimum: 0);
        var noiseField = new Option<string?>("--noise-field") { Description = "Replace this field (one the baseline does not use) with seeded random categories in every row: a pure-noise field for candidates to add" };
        var noiseValues = CliOptions.Count("--noise-values", "Distinct values of the --noise-field noise", 100, minimum: 2);
        var maxRows = CliOptions.Count("--max-rows", "Read at most this many rows (0 = all)", 0, minimum: 0);
        var passes = CliOptions.Count("--passes", "FTRL passes over the training rows", 1);
        var alpha = CliOptions.Number("--alpha", "FTRL learning-rate scale (default 0.05)", 0, exclusive: true);
        var beta = CliOptions.Number("--beta", "FTRL learning-rate smoothing (default 1)", 0, exclusive: true);
        var l1 = CliOptions.Number("--l1", "L1 strength (FTRL lambda1 default 1; L-BFGS default 1)", 0, exclusive: false);
        var l2 = CliOptions.Number("--l2", "L2 strength (FTRL lambda2 default 1; L-BFGS default 1)", 0, exclusive: false);
        var timing = CliOptions.Count("--timing-ms", "Milliseconds spent timing each spec's serving cost (each suggestion: half)", 150);

        var command = new Command("backtest", "Compare feature specs on the same data: accuracy with bootstrap intervals, serving cost, training time")
        {
            data, format, baseline, candidates, algorithm, split, progressive, report, json, seed, bootstrap, confidence, suggest, suggestFields, maxIterations,
            noiseField, noiseValues, maxRows, passes, alpha, beta, l1, l2, timing,
        };
        var calibration = new OnlineCalibrationOptions();
        foreach (var option in calibration.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed =>
        {
            var request = new Request
            {
                Data = parsed.GetValue(data)!,
                Format = CliOptions.ParseFormat(parsed.GetValue(format)!),
                Baseline = parsed.GetValue(baseline)!,
                Candidates = parsed.GetValue(candidates) ?? [],
                Algorithm = parsed.GetValue(algorithm)!,
                Split = parsed.GetValue(split),
                Progressive = parsed.GetValue(progressive),
                Report = parsed.GetValue(report),
                Json = parsed.GetValue(json),
                Seed = parsed.GetValue(seed),
                Resamples = parsed.GetValue(bootstrap),
                Confidence = parsed.GetValue(confidence),
                Suggest = parsed.GetValue(suggest),
                SuggestFields = parsed.GetValue(suggestFields),
                MaxIterations = parsed.GetValue(maxIterations),
                NoiseField = parsed.GetValue(noiseField),
                NoiseValues = parsed.GetValue(noiseValues),
                MaxRows = parsed.GetValue(maxRows),
                Passes = parsed.GetValue(passes),
                Alpha = parsed.GetValue(alpha),
                Beta = parsed.GetValue(beta),
                L1 = parsed.GetValue(l1),
                L2 = parsed.GetValue(l2),
                TimingMilliseconds = parsed.GetValue(timing),
                OnlineCalibration = calibration.Read(parsed, ExampleReader.SchemaOf(CliOptions.ParseFormat(parsed.GetValue(format)!))),
                CalibrationWindow = parsed.GetValue(calibration.Window),
                CommandLine = "clickpredict " + string.Join(' ', parsed.Tokens.Select(t => Quote(t.Value))),
            };
            return Run(context, request);
        });
        return command;
    }

    private static int Run(CliContext context, Request request)
    {
        // Everything that can be wrong with the command line or the specs is found before any data is read.
        var settings = Settle(request);
        var reportPath = request.Report is null ? null : CheckReportPath(request.Report);

        var live = context.Interactive;
        if (!live)
        {
            // A file or a pipe has no width to detect: give the tables room rather than wrap every cell.
            context.Console.Profile.Width = Math.Max(context.Console.Profile.Width, 160);
        }

        var console = request.Json && live ? ErrorConsole(context) : context.Console;
        var display = new BacktestDisplay(console, live, request.Json ? null : context.Output);
        var result = display.Run(() => new BacktestEngine(settings, display).Run());

        // The report goes last and atomically: a run that fails leaves no report behind.
        if (reportPath is not null)
        {
            HtmlReport.Write(reportPath, result, DateTimeOffset.UtcNow);
        }

        if (request.Json)
        {
            context.Output.WriteLine(BacktestJson.Serialize(result, indented: true));
        }
        else
        {
            BacktestTables.Write(context.Console, result);
            if (reportPath is not null)
            {
                context.Output.WriteLine($"report written to {reportPath}");
            }
        }

        return CliApp.Ok;
    }

    private static BacktestSettings Settle(Request request)
    {
        if (request.Split is not null && request.Progressive)
        {
            throw new CliException("--split and --progressive exclude each other: a positional split, or progressive validation over every row");
        }

        var trainFraction = request.Split ?? 0.8;
        if (!request.Progressive && trainFraction >= 1)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--split must be a fraction in (0, 1), not {trainFraction}"));
        }

        var isFtrl = request.Algorithm == BacktestSettings.Ftrl;
        if (isFtrl && request.MaxIterations != 0)
        {
            throw new CliException("--max-iterations applies to --algo lbfgs only");
        }

        if (!request.Suggest && request.SuggestFields is not null)
        {
            throw new CliException("--suggest-fields narrows --suggest; add --suggest");
        }

        if (!isFtrl && (request.Progressive || request.Passes != 1 || request.Alpha is not null || request.Beta is not null))
        {
            throw new CliException($"--progressive, --passes, --alpha and --beta apply to --algo ftrl only, not {request.Algorithm}");
        }

        if (request.Progressive && request.OnlineCalibration is not null)
        {
            throw new CliException("--online-calibration calibrates the trained model over the test rows of a split; --progressive has no split: drop one");
        }

        if (request.Progressive && request.Passes != 1)
        {
            throw new CliException("--progressive scores each row once before learning it: it takes one pass, not --passes " + request.Passes);
        }

        if (request.Suggest && request.Candidates.Length > 0)
        {
            throw new CliException("--suggest makes its own candidates (the baseline plus each field or cross it lacks); drop --candidate");
        }

        if (!request.Suggest && request.Candidates.Length == 0)
        {
            throw new CliException("nothing to compare: give at least one --candidate SPEC.json, or --suggest");
        }

        if (request.Confidence is { } c && c >= 1)
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--confidence must be in (0, 1), not {c}"));
        }

        var specs = new List<SpecSource> { LoadSpec(request.Baseline, SpecSource.Baseline, request.Format, "--baseline") };
        foreach (var path in request.Candidates)
        {
            specs.Add(LoadSpec(path, SpecSource.Candidate, request.Format, "--candidate"));
        }

        specs = UniqueLabels(specs);
        FieldDefinition? noise = null;
        if (request.NoiseField is { } noiseName)
        {
            var schema = ExampleReader.SchemaOf(request.Format);
            if (!schema.TryGetField(noiseName, out noise))
            {
                throw new CliException($"--noise-field: schema '{schema.Name}' has no field '{noiseName}' (fields: {string.Join(", ", schema.Fields.Select(f => f.Name))})");
            }

            if (specs[0].Spec.UsedFields().Contains(noise))
            {
                throw new CliException($"--noise-field {noiseName}: the baseline uses this field, so it would turn into noise too; pick a field the baseline does not use");
            }
        }

        List<FieldDefinition>? suggestFields = null;
        if (request.SuggestFields is { } list)
        {
            var schema = specs[0].Spec.Schema;
            suggestFields = [];
            foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!schema.TryGetField(name, out var field))
                {
                    throw new CliException($"--suggest-fields: schema '{schema.Name}' has no field '{name}'");
                }

                if (!suggestFields.Contains(field))
                {
                    suggestFields.Add(field);
                }
            }

            if (suggestFields.Count == 0)
            {
                throw new CliException("--suggest-fields: no field names given");
            }
        }

        var defaults = new FtrlOptions();
        var ftrl = new FtrlOptions
        {
            Alpha = request.Alpha ?? defaults.Alpha,
            Beta = request.Beta ?? defaults.Beta,
            Lambda1 = request.L1 ?? defaults.Lambda1,
            Lambda2 = request.L2 ?? defaults.Lambda2,
        };
        var lbfgsDefaults = new LbfgsOptions();
        var lbfgs = new LbfgsOptions
        {
            L1 = request.L1 ?? lbfgsDefaults.L1,
            L2 = request.L2 ?? lbfgsDefaults.L2,
            MaxIterations = request.MaxIterations > 0 ? request.MaxIterations : lbfgsDefaults.MaxIterations,
            Seed = request.Seed,
        };
        ftrl.Validate();
        lbfgs.Validate();

        return new BacktestSettings
        {
            Data = request.Data,
            Format = request.Format,
            Specs = specs,
            Algorithm = request.Algorithm,
            TrainFraction = trainFraction,
            Progressive = request.Progressive,
            Passes = request.Passes,
            FtrlOptions = ftrl,
            LbfgsOptions = lbfgs,
            Seed = request.Seed,
            Resamples = request.Resamples,
            Confidence = request.Confidence ?? 0.95,
            NoiseField = noise,
            NoiseCardinality = request.NoiseValues,
            MaxRows = request.MaxRows == 0 ? long.MaxValue : request.MaxRows,
            Suggest = request.Suggest,
            SuggestFields = suggestFields,
            TimingBudget = TimeSpan.FromMilliseconds(request.TimingMilliseconds),
            OnlineCalibration = request.OnlineCalibration,
            CalibrationWindow = request.CalibrationWindow,
            CommandLine = request.CommandLine,
        };
    }

    private static SpecSource LoadSpec(string path, string role, DataFormat format, string option)
    {
        var spec = FeatureSpec.Load(path);
        CliOptions.CheckSchema(spec, format, $"{option} '{path}'");
        return new SpecSource(spec, spec.Name, role, path);
    }

    /// <summary>Two specs of the same name are told apart by their file names.</summary>
    private static List<SpecSource> UniqueLabels(List<SpecSource> specs)
    {
        var result = new List<SpecSource>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in specs)
        {
            var label = source.Label;
            if (specs.Count(s => s.Label == label) > 1)
            {
                label = $"{label} ({Path.GetFileName(source.Path)})";
            }

            var unique = label;
            for (var i = 2; !used.Add(unique); i++)
            {
                unique = $"{label} #{i}";
            }

            result.Add(source with { Label = unique });
        }

        return result;
    }

    private static string CheckReportPath(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            throw new CliException($"--report {path}: the directory {directory} does not exist");
        }

        if (Directory.Exists(full))
        {
            throw new CliException($"--report {path}: is a directory, not a file");
        }

        return full;
    }

    private static IAnsiConsole ErrorConsole(CliContext context) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(context.Error),
        // As CliContext does for stdout: a terminal gets live rendering.
        Ansi = AnsiSupport.Yes,
        ColorSystem = ColorSystemSupport.Detect,
        Interactive = InteractionSupport.Yes,
    });

    private static string Quote(string token) => token.Length > 0 && !token.Any(char.IsWhiteSpace) ? token : $"\"{token}\"";

    private sealed record Request
    {
        public required string Data { get; init; }

        public required DataFormat Format { get; init; }

        public required string Baseline { get; init; }

        public required string[] Candidates { get; init; }

        public required string Algorithm { get; init; }

        public double? Split { get; init; }

        public bool Progressive { get; init; }

        public string? Report { get; init; }

        public bool Json { get; init; }

        public int Seed { get; init; }

        public int Resamples { get; init; }

        public double? Confidence { get; init; }

        public bool Suggest { get; init; }

        public string? SuggestFields { get; init; }

        public int MaxIterations { get; init; }

        public string? NoiseField { get; init; }

        public int NoiseValues { get; init; }

        public int MaxRows { get; init; }

        public int Passes { get; init; }

        public double? Alpha { get; init; }

        public double? Beta { get; init; }

        public double? L1 { get; init; }

        public double? L2 { get; init; }

        public int TimingMilliseconds { get; init; }

        public LiveCalibrationOptions? OnlineCalibration { get; init; }

        public int CalibrationWindow { get; init; }

        public required string CommandLine { get; init; }
    }
}
