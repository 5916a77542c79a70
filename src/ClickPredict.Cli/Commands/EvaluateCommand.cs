using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClickPredict.Cli.Calibration;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Data;
using ClickPredict.Core.Metrics;
using static ClickPredict.Cli.MetricsJson;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using Spectre.Console;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict evaluate</c>: scores a data file with a model file (hashing each row with the
/// model's own feature spec) and prints log loss, AUC, normalized entropy, calibration and a
/// reliability table, or with <c>--json</c> one JSON object for scripts. With <c>--online-calibration</c>
/// it also runs the rows in file order through live calibration (<see cref="ProgressiveCalibration"/>)
/// and reports it next to the model alone and two constants.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model file", Required = true };
        var data = CliOptions.Data();
        var format = CliOptions.Format();
        var json = new Option<bool>("--json") { Description = "Print one JSON object (logLoss, auc, normalizedEntropy, calibration, rows, ...; trueCtrLogLoss for simulated events)" };
        var holdout = CliOptions.HoldoutFraction("Evaluate only the last fraction of the rows (what fit --holdout-fraction held out)");
        var bins = CliOptions.Count("--bins", "Reliability-table bins (equal-count)", 10);
        var calibration = new OnlineCalibrationOptions();
        var command = new Command("evaluate", "Evaluate a model file on a data file") { model, data, format, json, holdout, bins };
        foreach (var option in calibration.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(parsed => Run(
            context,
            parsed.GetValue(model)!,
            parsed.GetValue(data)!,
            CliOptions.ParseFormat(parsed.GetValue(format)!),
            parsed.GetValue(json),
            parsed.GetValue(holdout),
            parsed.GetValue(bins),
            schema => calibration.Read(parsed, schema) is { } options ? (options, parsed.GetValue(calibration.Window)) : null));
        return command;
    }

    private static int Run(CliContext context, string modelPath, string dataPath, DataFormat format, bool json, double holdoutFraction, int bins, Func<FieldSchema, (LiveCalibrationOptions Options, int Window)?> readCalibration)
    {
        // The command line is checked before any file is read.
        var calibration = readCalibration(ExampleReader.SchemaOf(format));
        var model = ModelFile.Load(modelPath);
        CliOptions.CheckSchema(model.Spec, format, $"model '{modelPath}'");
        var progressive = calibration is { } live ? new ProgressiveCalibration(model.Spec.Schema, live.Options, TrainCtr(model, modelPath), live.Window) : null;
        long skip = 0;
        if (holdoutFraction > 0)
        {
            skip = CliOptions.Split(CliOptions.CountRows(dataPath, format), holdoutFraction).Train;
        }

        var accumulator = new EvaluationAccumulator();
        // Simulated events carry their true CTR: the log loss of those is the best any model can do.
        double trueLoss = 0;
        long withTruth = 0;
        using (var reader = ExampleReader.Open(dataPath, format))
        {
            long row = 0;
            while (reader.Read())
            {
                if (++row > skip)
                {
                    var p = model.Predict(reader.Values);
                    accumulator.Add(p, reader.Label);
                    progressive?.Add(p, reader.Values, reader.Label, reader.Time?.ToUnixTimeMilliseconds() ?? row);
                    if (reader is EventExampleReader { Current.TrueCtr: { } trueCtr })
                    {
                        trueLoss += BinaryMetrics.LogLoss(trueCtr, reader.Label);
                        withTruth++;
                    }
                }
            }
        }

        double? bestLogLoss = withTruth == accumulator.Count && withTruth > 0 ? trueLoss / withTruth : null;

        if (accumulator.Count == 0)
        {
            throw new CliException($"{dataPath}: no rows to evaluate");
        }

        var evaluation = accumulator.Evaluate(bins);
        var calibrated = progressive?.Result(bins);
        if (json)
        {
            WriteJson(context.Output, model, modelPath, dataPath, format, evaluation, bestLogLoss, calibrated);
        }
        else
        {
            WriteTables(context, model, dataPath, evaluation, bestLogLoss);
            if (calibrated is not null)
            {
                CalibrationReport.WriteTables(context.Console, model.Info.Label, calibrated);
            }
        }

        return CliApp.Ok;
    }

    /// <summary>The CTR of the model's training data, from its lineage: the first constant of a progressive evaluation.</summary>
    private static double TrainCtr(LogisticModel model, string modelPath) =>
        model.Info.TrainingData is { Rows: > 0, Positives: > 0 } data && data.Positives < data.Rows
            ? (double)data.Positives / data.Rows
            : throw new CliException($"--online-calibration: model '{modelPath}' does not record its training rows and clicks (lineage trainingData), so its training CTR, the constant it is compared with, is unknown");

    private static void WriteJson(TextWriter output, LogisticModel model, string modelPath, string dataPath, DataFormat format, Evaluation e, double? bestLogLoss, ProgressiveCalibrationResult? calibrated)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model.Info.Label);
            writer.WriteString("modelFile", modelPath);
            writer.WriteString("algorithm", model.Info.Algorithm);
            writer.WriteString("data", dataPath);
            writer.WriteString("format", CliOptions.Describe(format));
            writer.WriteNumber("rows", e.Rows);
            writer.WriteNumber("positives", e.Positives);
            Number(writer, "logLoss", e.LogLoss);
            Number(writer, "auc", e.Auc);
            Number(writer, "normalizedEntropy", e.NormalizedEntropy);
            Number(writer, "calibration", e.Calibration);
            Number(writer, "meanPredicted", e.MeanPredicted);
            Number(writer, "observedCtr", e.ObservedCtr);
            if (bestLogLoss is { } best)
            {
                Number(writer, "trueCtrLogLoss", best);
            }

            MetricsJson.Reliability(writer, e.Reliability);
            if (calibrated is not null)
            {
                CalibrationReport.WriteJson(writer, calibrated);
            }

            writer.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>JSON has no NaN: an undefined metric (AUC of one class, say) is null.</summary>
    private static void WriteTables(CliContext context, LogisticModel model, string dataPath, Evaluation e, double? bestLogLoss)
    {
        static string F(double value, string format = "0.000000") =>
            double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

        var summary = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        summary.Title = new TableTitle(Markup.Escape($"{model.Info.Label} ({model.Info.Algorithm}) on {dataPath}"));
        summary.AddRow("rows", e.Rows.ToString("N0", CultureInfo.InvariantCulture));
        summary.AddRow("clicks", e.Positives.ToString("N0", CultureInfo.InvariantCulture));
        summary.AddRow("log loss", F(e.LogLoss));
        summary.AddRow("AUC", F(e.Auc));
        summary.AddRow("normalized entropy", F(e.NormalizedEntropy));
        summary.AddRow("calibration (predicted / observed)", F(e.Calibration, "0.0000"));
        summary.AddRow("mean predicted CTR", F(e.MeanPredicted));
        summary.AddRow("observed CTR", F(e.ObservedCtr));
        if (bestLogLoss is { } best)
        {
            summary.AddRow("log loss of the true CTRs (best possible)", F(best));
        }

        context.Console.Write(summary);

        var reliability = new Table { Title = new TableTitle("reliability (equal-count bins)") };
        foreach (var column in new[] { "bin", "rows", "predicted from", "to", "mean predicted", "observed CTR" })
        {
            reliability.AddColumn(new TableColumn(column).RightAligned());
        }

        var i = 1;
        foreach (var bin in e.Reliability)
        {
            reliability.AddRow(
                (i++).ToString(CultureInfo.InvariantCulture),
                bin.Count.ToString("N0", CultureInfo.InvariantCulture),
                F(bin.MinPredicted),
                F(bin.MaxPredicted),
                F(bin.MeanPredicted),
                F(bin.ObservedRate));
        }

        context.Console.Write(reliability);
    }
}
