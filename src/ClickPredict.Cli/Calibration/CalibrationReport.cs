using System.Globalization;
using System.Text.Json;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Metrics;
using Spectre.Console;
using static ClickPredict.Cli.MetricsJson;

namespace ClickPredict.Cli.Calibration;

/// <summary>
/// A progressive evaluation with live calibration as tables and as JSON: the model alone, with live
/// calibration, and the two constants side by side, then calibration over time (mean predicted and
/// observed CTR per window). Shared by <c>evaluate</c> and <c>backtest</c>.
/// </summary>
internal static class CalibrationReport
{
    /// <summary>Tolerance of "calibrated" in <see cref="ProgressiveCalibrationResult.SettledFrom"/>: within 10% of 1.</summary>
    public const double SettledTolerance = 0.1;

    public static void WriteTables(IAnsiConsole console, string title, ProgressiveCalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(result);
        var summary = new Table { Title = new TableTitle(Markup.Escape($"{title}: progressive, live calibration (half-life {result.HalfLife})")) };
        foreach (var column in new[] { "predictor", "log loss", "AUC", "NE", "mean predicted / observed" })
        {
            summary.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var (name, e) in Predictors(result))
        {
            summary.AddRow(Markup.Escape(name), F(e.LogLoss), F(e.Auc, "0.0000"), F(e.NormalizedEntropy, "0.0000"), F(e.Calibration, "0.000"));
        }

        console.Write(summary);
        var windows = new Table { Title = new TableTitle("calibration over time (mean predicted vs observed CTR per window)") };
        foreach (var column in new[] { "rows", "clicks", "observed CTR", "model", "calibrated", "running CTR", "calibrated / observed" })
        {
            windows.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var w in result.Windows)
        {
            windows.AddRow(
                string.Create(CultureInfo.InvariantCulture, $"{w.From + 1:N0}-{w.From + w.Rows:N0}"),
                w.Clicks.ToString(CultureInfo.InvariantCulture),
                F(w.ObservedCtr),
                F(w.MeanModel),
                F(w.MeanCalibrated),
                F(w.MeanRunning),
                F(w.Calibration, "0.000"));
        }

        console.Write(windows);
        var final = result.Final;
        console.WriteLine($"calibrated minus model: log loss {Interval(result.VsModel.LogLoss, "+0.00000;-0.00000")}, AUC {Interval(result.VsModel.Auc, "+0.0000;-0.0000")} (95% paired bootstrap); minus running CTR: log loss {Interval(result.VsRunning.LogLoss, "+0.00000;-0.00000")}");
        console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"final global shift {final.Global:+0.0000;-0.0000} (logit), {final.Segments.Count} segment shift(s); training CTR {result.TrainCtr:0.000000}"));
    }

    public static void WriteJson(Utf8JsonWriter writer, ProgressiveCalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject("onlineCalibration");
        writer.WriteString("halfLife", result.HalfLife);
        Number(writer, "trainCtr", result.TrainCtr);
        foreach (var (name, e) in Predictors(result))
        {
            writer.WriteStartObject(Key(name));
            Number(writer, "logLoss", e.LogLoss);
            Number(writer, "auc", e.Auc);
            Number(writer, "normalizedEntropy", e.NormalizedEntropy);
            Number(writer, "calibration", e.Calibration);
            Number(writer, "meanPredicted", e.MeanPredicted);
            writer.WriteEndObject();
        }

        Difference(writer, "calibratedVsModel", result.VsModel);
        Difference(writer, "calibratedVsRunningCtr", result.VsRunning);
        Number(writer, "globalShift", result.Final.Global);
        writer.WriteStartArray("segments");
        foreach (var segment in result.Final.Segments)
        {
            writer.WriteStartObject();
            writer.WriteString("field", segment.Field);
            writer.WriteString("value", segment.Value);
            Number(writer, "shift", segment.Shift);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteStartArray("windows");
        foreach (var w in result.Windows)
        {
            writer.WriteStartObject();
            writer.WriteNumber("from", w.From);
            writer.WriteNumber("rows", w.Rows);
            writer.WriteNumber("clicks", w.Clicks);
            Number(writer, "observedCtr", w.ObservedCtr);
            Number(writer, "meanModel", w.MeanModel);
            Number(writer, "meanCalibrated", w.MeanCalibrated);
            Number(writer, "meanRunning", w.MeanRunning);
            Number(writer, "calibration", w.Calibration);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void Difference(Utf8JsonWriter writer, string name, PairedComparison comparison)
    {
        writer.WriteStartObject(name);
        Number(writer, "logLossDifference", comparison.LogLoss.Difference);
        Number(writer, "logLossLower", comparison.LogLoss.Lower);
        Number(writer, "logLossUpper", comparison.LogLoss.Upper);
        Number(writer, "aucDifference", comparison.Auc.Difference);
        Number(writer, "aucLower", comparison.Auc.Lower);
        Number(writer, "aucUpper", comparison.Auc.Upper);
        writer.WriteEndObject();
    }

    private static string Interval(MetricDifference d, string format) => string.Create(
        CultureInfo.InvariantCulture,
        $"{d.Difference.ToString(format, CultureInfo.InvariantCulture)} [{d.Lower.ToString(format, CultureInfo.InvariantCulture)}, {d.Upper.ToString(format, CultureInfo.InvariantCulture)}]");

    private static (string Name, Evaluation Evaluation)[] Predictors(ProgressiveCalibrationResult result) =>
    [
        ("model", result.Model),
        ("model + live calibration", result.Calibrated),
        ("constant: training CTR", result.TrainConstant),
        ("constant: running CTR", result.RunningConstant),
    ];

    private static string Key(string name) => name switch
    {
        "model" => "model",
        "model + live calibration" => "calibrated",
        "constant: training CTR" => "trainCtrConstant",
        _ => "runningCtrConstant",
    };

    private static string F(double value, string format = "0.000000") =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
