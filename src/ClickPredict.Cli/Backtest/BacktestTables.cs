using System.Globalization;
using ClickPredict.Core.Metrics;
using Spectre.Console;

namespace ClickPredict.Cli.Backtest;

/// <summary>The console form of a back-test: one table of specs (and one of suggestions with <c>--suggest</c>).</summary>
internal static class BacktestTables
{
    /// <summary>Suggestions listed on the console (all of them are in <c>--json</c> and the report).</summary>
    public const int ShownSuggestions = 20;

    public static void Write(IAnsiConsole console, BacktestResult result)
    {
        var settings = result.Settings;
        console.WriteLine(Describe(result));
        var accuracy = new Table { Title = new TableTitle(Markup.Escape($"accuracy on {(settings.Progressive ? "every row (progressive)" : "the test rows")} of {Path.GetFileName(settings.Data)}")) };
        accuracy.AddColumn("spec");
        foreach (var column in new[] { "log loss", $"Δ log loss [{settings.ConfidenceText} CI]", "AUC", "Δ AUC [CI]", "NE", "calibration" })
        {
            accuracy.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        var cost = new Table { Title = new TableTitle("serving and training cost") };
        cost.AddColumn("spec");
        foreach (var column in new[] { "features", "ns/request", "Δ ns", "non-zero weights", "weights in memory", "model file", "training s" })
        {
            cost.AddColumn(new TableColumn(column).RightAligned());
        }

        var baselineNs = result.Baseline.HashScoreNanoseconds;
        foreach (var outcome in result.Specs)
        {
            var e = outcome.Evaluation;
            var vs = outcome.VsBaseline;
            var name = Markup.Escape(outcome.Source.Role == SpecSource.Baseline ? $"{outcome.Source.Label} (baseline)" : outcome.Source.Label);
            accuracy.AddRow(
                name,
                F(e.LogLoss, "0.00000"),
                vs is null ? "-" : Delta(vs.LogLoss, "+0.00000;-0.00000;0.00000", lowerIsBetter: true),
                F(e.Auc, "0.0000"),
                vs is null ? "-" : Delta(vs.Auc, "+0.0000;-0.0000;0.0000", lowerIsBetter: false),
                F(e.NormalizedEntropy, "0.0000"),
                F(e.Calibration, "0.000"));
            var spec = outcome.Source.Spec;
            cost.AddRow(
                name,
                string.Create(CultureInfo.InvariantCulture, $"{spec.Fields.Count}+{spec.Crosses.Count}x, 2^{spec.HashBits}"),
                Nanoseconds(outcome.HashScoreNanoseconds, result.ExtractNanoseconds),
                vs is null ? "-" : F(outcome.HashScoreNanoseconds - baselineNs, "+0;-0;0"),
                outcome.NonZeroWeights.ToString("N0", CultureInfo.InvariantCulture),
                Bytes(outcome.WeightBytes),
                Bytes(outcome.ModelFileBytes),
                F(outcome.TrainWallSeconds, "0.00"));
        }

        console.Write(accuracy);
        console.Write(cost);
        console.WriteLine(Footnote(result));
        foreach (var outcome in result.Specs)
        {
            if (outcome.OnlineCalibration is { } calibration)
            {
                Calibration.CalibrationReport.WriteTables(console, outcome.Source.Label, calibration);
            }
        }

        if (settings.Suggest)
        {
            WriteSuggestions(console, result);
        }
    }

    /// <summary>The one-line description of what was compared, and how.</summary>
    public static string Describe(BacktestResult result)
    {
        var s = result.Settings;
        var split = s.Progressive
            ? string.Create(CultureInfo.InvariantCulture, $"progressive validation over all {result.Rows:N0} rows ({result.Positives:N0} clicks)")
            : string.Create(CultureInfo.InvariantCulture, $"trained on rows 1-{result.TrainRows:N0}, tested on rows {result.TestFrom + 1:N0}-{result.TestFrom + result.TestRows:N0} ({result.TestPositives:N0} clicks)");
        var noise = s.NoiseField is { } field ? $"; field {field.Name} replaced by noise ({s.NoiseCardinality} values)" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{s.Algorithm}{(s.Passes > 1 ? $" x{s.Passes} passes" : string.Empty)}, {split}; paired bootstrap {s.Resamples:N0} resamples, seed {s.Seed}{noise}");
    }

    private static string Footnote(BacktestResult result)
    {
        var extract = result.ExtractNanoseconds is { } x
            ? string.Create(CultureInfo.InvariantCulture, $" ns/request = the bidder's scoring call (OpenRtbScorer, one creative) + {x:F0} ns field extraction ({result.ExtractSource}), {ThreadClock.Description}.")
            : $" ns/request = the bidder's scoring call (OpenRtbScorer, one creative) per request ({ThreadClock.Description}; the format has no request to extract fields from).";
        return "Δ = candidate - baseline; * marks an interval that excludes 0 (log loss and NE: lower is better). features = fields + crosses, hash slots." + extract;
    }

    private static void WriteSuggestions(IAnsiConsole console, BacktestResult result)
    {
        var table = new Table
        {
            Title = new TableTitle(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"suggestions: {result.Suggestions.Count} additions to {result.Baseline.Source.Label}, by log-loss gain per ns (costs under the {result.TimingResolutionNanoseconds:F1} ns timing resolution count as that)"))),
        };
        table.AddColumn(new TableColumn("#").RightAligned());
        table.AddColumn("addition");
        foreach (var column in new[] { $"Δ log loss ({result.Settings.ConfidenceText} CI)", "Δ AUC", "extra ns", "gain/ns" })
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        for (var i = 0; i < Math.Min(ShownSuggestions, result.Suggestions.Count); i++)
        {
            var s = result.Suggestions[i];
            var vs = s.Outcome.VsBaseline!;
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                Markup.Escape(s.Outcome.Source.Change ?? s.Outcome.Source.Label),
                Delta(vs.LogLoss, "+0.00000;-0.00000;0.00000", lowerIsBetter: true),
                F(vs.Auc.Difference, "+0.0000;-0.0000;0.0000"),
                F(s.ExtraNanoseconds, "+0.0;-0.0;0.0"),
                s.Gain > 0 ? s.GainPerNanosecond.ToString("0.00E+0", CultureInfo.InvariantCulture) : "-");
        }

        console.Write(table);
        if (result.Suggestions.Count > ShownSuggestions)
        {
            console.WriteLine($"({result.Suggestions.Count - ShownSuggestions} more in --json and --report)");
        }
    }

    private static string Delta(MetricDifference d, string format, bool lowerIsBetter)
    {
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"{F(d.Difference, format)} [{F(d.Lower, format)}, {F(d.Upper, format)}]{(d.ExcludesZero ? "*" : " ")}");
        if (!d.ExcludesZero)
        {
            return Markup.Escape(text);
        }

        var better = lowerIsBetter ? d.Upper < 0 : d.Lower > 0;
        return $"[{(better ? "green" : "red")}]{Markup.Escape(text)}[/]";
    }

    private static string Nanoseconds(double hashScore, double? extract) =>
        F(hashScore + (extract ?? 0), "0");

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F1} MiB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private static string F(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
