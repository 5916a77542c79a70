using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Simulation;
using ClickPredict.Core.Training;
using Spectre.Console;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict retrain-sim</c>: replays a time-ordered log (the traffic simulator, drifting if asked,
/// or a data file) through every retrain policy named in the configuration's <c>RetrainSim:Policies</c>,
/// each run by an <see cref="OnlineTrainer"/>, the trainer service's own core (its learner settings from
/// the configuration's <c>Trainer:Learner</c>), and prints per policy the trainings run, the CPU seconds spent, the
/// models published and the average log loss of the model it served: the table ops use to choose a
/// retrain frequency. <c>--json</c> prints the same rows for scripts.
/// </summary>
/// <remarks>
/// Each named policy starts from the configuration's <c>RetrainPolicy</c> section (the service's) and
/// overrides what it lists. A policy with no adaptive rule (no degradation or drift trigger, no
/// improvement margin, no weight-change check) counts as a fixed interval; the table compares every
/// policy with the best of those. Times are simulated (event) times.
/// </remarks>
internal static class RetrainSimCommand
{
    public static Command Create(CliContext context)
    {
        var config = new Option<string>("--config") { Description = "Configuration with RetrainPolicy and RetrainSim sections", DefaultValueFactory = _ => "config/trainer.json" };
        var policies = new Option<string?>("--policies") { Description = "Comma-separated policy names to run (default: all in RetrainSim:Policies)" };
        var examples = new Option<int?>("--examples") { Description = "Examples to replay after the warm-up (simulator; default RetrainSim:Examples)" };
        var warmup = new Option<int?>("--warmup") { Description = "Examples learned before the first model is served (default RetrainSim:WarmupExamples)" };
        var holdout = new Option<int?>("--holdout") { Description = "Most recent examples held back to score candidates (default RetrainSim:HoldoutExamples)" };
        var seed = new Option<int?>("--seed") { Description = "Simulator seed (default RetrainSim:Seed)" };
        var drift = CliOptions.Number("--drift", "Drift of the simulated CTR function, radians per simulated day (default RetrainSim:DriftPerDay)", 0, exclusive: false);
        var data = new Option<string?>("--data") { Description = "Replay this time-ordered data file instead of the simulator" };
        var format = new Option<string?>("--format") { Description = "Format of --data: criteo, avazu, ipinyou or events" };
        format.AcceptOnlyFromAmong(CliOptions.Formats);
        var features = new Option<string?>("--features") { Description = "Feature spec (default config/features/default.json; with --data, the one for its format)" };
        var json = new Option<bool>("--json") { Description = "Print the rows as JSON" };
        var command = new Command("retrain-sim", "Compare retrain and publish policies on a replayed log: trainings, CPU seconds, models published, serving log loss")
        {
            config, policies, examples, warmup, holdout, seed, drift, data, format, features, json,
        };
        command.SetAction(parsed => Run(context, new Request
        {
            ConfigPath = parsed.GetValue(config)!,
            Policies = parsed.GetValue(policies),
            Examples = parsed.GetValue(examples),
            Warmup = parsed.GetValue(warmup),
            Holdout = parsed.GetValue(holdout),
            Seed = parsed.GetValue(seed),
            Drift = parsed.GetValue(drift),
            Data = parsed.GetValue(data),
            Format = parsed.GetValue(format),
            Features = parsed.GetValue(features),
            Json = parsed.GetValue(json),
        }));
        return command;
    }

    private static int Run(CliContext context, Request request)
    {
        var settings = SimSettings.Load(request.ConfigPath);
        var chosen = Choose(settings.Policies, request.Policies);
        var warmup = request.Warmup ?? settings.WarmupExamples;
        var holdout = request.Holdout ?? settings.HoldoutExamples;
        if (warmup < 0 || holdout < 0 || (request.Examples ?? settings.Examples) < 1)
        {
            throw new CliException("--examples must be at least 1, --warmup and --holdout at least 0");
        }

        var specPath = request.Features ?? (request.Data is null ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(request.ConfigPath))!, "features", "default.json") : null)
            ?? throw new CliException("--data needs --features (the feature spec for its format)");
        var spec = FeatureSpec.Load(specPath);
        // The service's trainer, fed by the replay: its learner settings, this holdout, the policy consulted every CheckEveryExamples.
        var trainer = new OnlineTrainerOptions
        {
            ModelId = "replay",
            Ftrl = settings.Ftrl,
            HoldoutExamples = holdout,
            NegativeSamplingRate = settings.NegativeSamplingRate,
            Calibration = settings.Calibration,
            CheckIntervalMs = 0,
            CheckEveryExamples = settings.CheckEveryExamples,
            Source = "replay:" + (request.Data ?? "simulator"),
            OffsetsName = "replay",
        };
        var replay = new RetrainReplay(spec, trainer, chosen);
        // With --json, stdout carries the JSON alone.
        var progress = new Progress(request.Json ? new CliContext(TextWriter.Null, context.Error, interactive: false) : context);

        string source;
        if (request.Data is not null)
        {
            var dataFormat = CliOptions.ParseFormat(request.Format ?? throw new CliException("--data needs --format"));
            CliOptions.CheckSchema(spec, dataFormat, "--features");
            source = request.Data;
            progress.Run("retrain-sim", null, p => ReplayFile(replay, request.Data, dataFormat, warmup, p));
        }
        else
        {
            var simulator = new SimulatorOptions
            {
                Seed = request.Seed ?? settings.Seed,
                OutcomeSeed = (request.Seed ?? settings.Seed) + 4200,
                DriftPerDay = request.Drift ?? settings.DriftPerDay,
            };
            var count = request.Examples ?? settings.Examples;
            source = string.Create(CultureInfo.InvariantCulture, $"simulator(seed={simulator.Seed}, drift={simulator.DriftPerDay}/day, {count} examples after {warmup} warm-up)");
            progress.Run("retrain-sim", warmup + count, p => ReplaySimulator(replay, simulator, warmup, count, p));
        }

        var rows = Rows(replay.Results(), chosen);
        if (request.Json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(rows, RetrainSimJsonContext.Default.ListRetrainSimRow));
        }
        else
        {
            Print(context, source, rows, replay);
        }

        return CliApp.Ok;
    }

    private static void ReplaySimulator(RetrainReplay replay, SimulatorOptions options, int warmup, int count, Progress progress)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(options));
        var values = examples.Values;
        DateTimeOffset time = options.Start;
        for (var i = 0; i < warmup; i++)
        {
            var example = examples.Next();
            replay.WarmUp(values, example.Clicked);
            time = DateTimeOffset.FromUnixTimeMilliseconds(example.BidTimeUnixMs);
        }

        replay.PublishInitial(time);
        for (var i = 1; i <= count; i++)
        {
            var example = examples.Next();
            replay.Add(values, example.Clicked, DateTimeOffset.FromUnixTimeMilliseconds(example.BidTimeUnixMs));
            if (Progress.Due(i))
            {
                progress.Update(warmup + i, string.Empty);
            }
        }

        progress.Finish(warmup + count, string.Empty);
    }

    private static void ReplayFile(RetrainReplay replay, string path, DataFormat format, int warmup, Progress progress)
    {
        using var reader = ExampleReader.Open(path, format);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        DateTimeOffset? last = null;
        long row = 0;
        while (reader.Read())
        {
            // Rows without a time are taken one second apart; a file must be in time order.
            var time = reader.Time ?? start.AddSeconds(row);
            if (last is { } previous && time < previous)
            {
                time = previous;
            }

            last = time;
            if (row < warmup)
            {
                replay.WarmUp(reader.Values, reader.Label);
                if (row == warmup - 1)
                {
                    replay.PublishInitial(time);
                }
            }
            else
            {
                if (row == 0)
                {
                    replay.PublishInitial(time);
                }

                replay.Add(reader.Values, reader.Label, time);
            }

            row++;
            if (Progress.Due(row))
            {
                progress.Update(row, string.Empty);
            }
        }

        if (replay.Examples == 0)
        {
            throw new CliException($"{path} has {row} rows, no more than --warmup {warmup}: nothing to replay");
        }

        progress.Finish(row, string.Empty);
    }

    private static List<(string Name, RetrainPolicyOptions Policy)> Choose(IReadOnlyList<(string Name, RetrainPolicyOptions Policy)> all, string? names)
    {
        if (names is null)
        {
            return [.. all];
        }

        var chosen = new List<(string, RetrainPolicyOptions)>();
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var found = all.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
            if (found.Policy is null)
            {
                throw new CliException($"--policies names '{name}', which RetrainSim:Policies does not have (it has: {string.Join(", ", all.Select(p => p.Name))})");
            }

            chosen.Add(found);
        }

        return chosen.Count > 0 ? chosen : throw new CliException("--policies names no policy");
    }

    private static List<RetrainSimRow> Rows(IReadOnlyList<RetrainReplayResult> results, List<(string Name, RetrainPolicyOptions Policy)> policies)
    {
        var fixedNames = policies.Where(p => IsFixed(p.Policy)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var bestFixed = results.Where(r => fixedNames.Contains(r.Policy)).Select(r => r.ServingLogLoss).DefaultIfEmpty(double.NaN).Min();
        return [.. results.Select(r => new RetrainSimRow
        {
            Policy = r.Policy,
            Fixed = fixedNames.Contains(r.Policy),
            Trainings = r.Trainings,
            Published = r.Published,
            RetrainCpuSeconds = Math.Round(r.RetrainCpuSeconds, 3),
            LearnCpuSeconds = Math.Round(r.LearnCpuSeconds, 3),
            CpuSeconds = Math.Round(r.CpuSeconds, 3),
            ServingLogLoss = Math.Round(r.ServingLogLoss, 6),
            VsBestFixedPercent = double.IsNaN(bestFixed) ? null : Math.Round(((r.ServingLogLoss / bestFixed) - 1) * 100, 3),
            Examples = r.Examples,
        })];
    }

    /// <summary>No adaptive rule: rounds come only from the interval, and any candidate not worse is published.</summary>
    private static bool IsFixed(RetrainPolicyOptions p) =>
        p.DegradationThreshold == 0 && p.DriftPsiThreshold == 0 && p.MinImprovement == 0 && p.MinWeightChange == 0;

    private static void Print(CliContext context, string source, List<RetrainSimRow> rows, RetrainReplay replay)
    {
        var table = new Table().AddColumns("policy", "trainings", "published", "retrain CPU s", "total CPU s", "avg serving log loss", "vs best fixed");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Policy + (row.Fixed ? " (fixed)" : string.Empty)),
                row.Trainings.ToString(CultureInfo.InvariantCulture),
                row.Published.ToString(CultureInfo.InvariantCulture),
                row.RetrainCpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                row.CpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                row.ServingLogLoss.ToString("F6", CultureInfo.InvariantCulture),
                row.VsBestFixedPercent is { } v ? v.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) + "%" : "-");
        }

        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {replay.Examples:N0} examples of {source}; learning (every policy's trainer): {replay.LearnCpuSeconds:F2} CPU s"));
        context.Console.Write(table);
    }

    private sealed record Request
    {
        public required string ConfigPath { get; init; }

        public string? Policies { get; init; }

        public int? Examples { get; init; }

        public int? Warmup { get; init; }

        public int? Holdout { get; init; }

        public int? Seed { get; init; }

        public double? Drift { get; init; }

        public string? Data { get; init; }

        public string? Format { get; init; }

        public string? Features { get; init; }

        public bool Json { get; init; }
    }

    /// <summary>The <c>RetrainSim</c> section and the policies it names, each laid over <c>RetrainPolicy</c>.</summary>
    private sealed class SimSettings
    {
        public int Examples { get; private init; } = 200_000;

        public int WarmupExamples { get; private init; } = 20_000;

        public int HoldoutExamples { get; private init; } = 5_000;

        public int CheckEveryExamples { get; private init; } = 500;

        public int Seed { get; private init; } = 42;

        public double DriftPerDay { get; private init; }

        public FtrlOptions Ftrl { get; private init; } = new();

        public double NegativeSamplingRate { get; private init; } = 1;

        /// <summary>The service's live calibration (<c>Trainer:Learner:Calibration</c>), null when not enabled.</summary>
        public ClickPredict.Core.Calibration.LiveCalibrationOptions? Calibration { get; private init; }

        public required IReadOnlyList<(string Name, RetrainPolicyOptions Policy)> Policies { get; init; }

        public static SimSettings Load(string path)
        {
            JsonObject root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                    ?? throw new CliException($"{path}: not a JSON object");
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}: not valid JSON: {e.Message}", e);
            }

            var basePolicy = Section(root, RetrainPolicyOptions.SectionName) ?? [];
            var sim = Section(root, "RetrainSim") ?? throw new CliException($"{path} has no RetrainSim section (with Policies to compare)");
            var policies = Section(sim, "Policies");
            if (policies is null || policies.Count == 0)
            {
                throw new CliException($"{path}: RetrainSim:Policies names no policy");
            }

            var list = new List<(string, RetrainPolicyOptions)>();
            foreach (var (name, node) in policies)
            {
                var prefix = $"RetrainSim:Policies:{name}";
                if (node is not JsonObject overrides)
                {
                    throw new CliException($"{path}: {prefix} must be an object of RetrainPolicy settings");
                }

                var merged = (JsonObject)basePolicy.DeepClone();
                foreach (var (key, value) in overrides)
                {
                    var existing = merged.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
                    if (existing is not null)
                    {
                        merged.Remove(existing);
                    }

                    merged[key] = value?.DeepClone();
                }

                RetrainPolicyOptions policy;
                try
                {
                    policy = merged.Deserialize(RetrainSimJsonContext.Default.RetrainPolicyOptions) ?? new RetrainPolicyOptions();
                }
                catch (JsonException e)
                {
                    throw new CliException($"{path}: {prefix}: {e.Message}", e);
                }

                var failures = policy.Validate(prefix);
                if (failures.Count > 0)
                {
                    throw new CliException($"{path}: {string.Join(" ", failures)}");
                }

                list.Add((name, policy));
            }

            var learner = Section(Section(root, "Trainer") ?? [], "Learner");
            var defaults = new FtrlOptions();
            var ftrl = new FtrlOptions
            {
                Alpha = Number(learner, "Alpha", defaults.Alpha),
                Beta = Number(learner, "Beta", defaults.Beta),
                Lambda1 = Number(learner, "Lambda1", defaults.Lambda1),
                Lambda2 = Number(learner, "Lambda2", defaults.Lambda2),
            };
            return new SimSettings
            {
                Policies = list,
                Examples = (int)Number(sim, "Examples", 200_000),
                WarmupExamples = (int)Number(sim, "WarmupExamples", 20_000),
                HoldoutExamples = (int)Number(sim, "HoldoutExamples", 5_000),
                CheckEveryExamples = Math.Max(1, (int)Number(sim, "CheckEveryExamples", 500)),
                Seed = (int)Number(sim, "Seed", 42),
                DriftPerDay = Number(sim, "DriftPerDay", 0),
                Ftrl = ftrl,
                NegativeSamplingRate = Number(learner, "NegativeSamplingRate", 1),
                Calibration = LoadCalibration(path, learner),
            };
        }

        /// <summary><c>Trainer:Learner:Calibration</c> as the service reads it (null when absent or not enabled).</summary>
        private static ClickPredict.Core.Calibration.LiveCalibrationOptions? LoadCalibration(string path, JsonObject? learner)
        {
            const string Prefix = "Trainer:Learner:Calibration";
            if (learner is null || Section(learner, "Calibration") is not { } node)
            {
                return null;
            }

            ClickPredict.Trainer.Options.LearnerCalibrationOptions? options;
            try
            {
                options = node.Deserialize(RetrainSimJsonContext.Default.LearnerCalibrationOptions);
            }
            catch (JsonException e)
            {
                throw new CliException($"{path}: {Prefix}: {e.Message}", e);
            }

            var calibration = options?.ToCalibrationOptions();
            var failures = calibration?.Validate(Prefix, ClickPredict.Core.Features.FieldSchema.OpenRtb) ?? [];
            return failures.Count == 0 ? calibration : throw new CliException($"{path}: {string.Join(" ", failures)}");
        }

        private static JsonObject? Section(JsonObject parent, string name) =>
            parent.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value as JsonObject;

        private static double Number(JsonObject? parent, string name, double fallback)
        {
            var node = parent?.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            try
            {
                return node is null ? fallback : node.GetValue<double>();
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new CliException($"{name} must be a number, not {node!.ToJsonString()}", e);
            }
        }
    }
}

/// <summary>One row of the retrain-sim table (and of its <c>--json</c> output).</summary>
internal sealed record RetrainSimRow
{
    public required string Policy { get; init; }

    /// <summary>Whether the policy is a plain fixed interval.</summary>
    public bool Fixed { get; init; }

    public int Trainings { get; init; }

    public int Published { get; init; }

    public double RetrainCpuSeconds { get; init; }

    public double LearnCpuSeconds { get; init; }

    public double CpuSeconds { get; init; }

    public double ServingLogLoss { get; init; }

    /// <summary>Serving log loss relative to the best fixed-interval policy, in percent (null without one).</summary>
    public double? VsBestFixedPercent { get; init; }

    public long Examples { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    WriteIndented = true)]
[JsonSerializable(typeof(RetrainPolicyOptions))]
[JsonSerializable(typeof(ClickPredict.Trainer.Options.LearnerCalibrationOptions))]
[JsonSerializable(typeof(List<RetrainSimRow>))]
internal sealed partial class RetrainSimJsonContext : JsonSerializerContext;
