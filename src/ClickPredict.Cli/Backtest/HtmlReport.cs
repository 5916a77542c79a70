using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using ClickPredict.Core.Metrics;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// The back-test as one self-contained HTML file: the results table (rendered here), and ROC,
/// reliability, log-loss-over-time and difference charts drawn as inline SVG by the page's own
/// script from the embedded <c>--json</c> document. No external scripts, styles, fonts or images.
/// </summary>
/// <remarks>
/// The file is written to a temporary name beside the target and renamed into place only once it
/// is complete, so a failed run never leaves a partial report that looks finished.
/// </remarks>
internal static class HtmlReport
{
    /// <summary>The charts the page draws, by their <c>data-chart</c> name.</summary>
    public static readonly string[] Charts = ["roc", "reliability", "logloss", "delta"];

    private static readonly Lazy<string> s_script = new(() => Resource("report.js"));
    private static readonly Lazy<string> s_style = new(() => Resource("report.css"));

    /// <summary>Writes the report to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(string path, BacktestResult result, DateTimeOffset generatedUtc)
    {
        var html = Render(result, generatedUtc);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temporary, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public static string Render(BacktestResult result, DateTimeOffset generatedUtc)
    {
        var settings = result.Settings;
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E($"Back-test: {string.Join(" vs ", result.Specs.Select(s => s.Source.Label))} on {Path.GetFileName(settings.Data)}")).Append("</title>\n")
            .Append("<style>\n").Append(s_style.Value).Append("</style>\n</head>\n<body>\n");

        html.Append("<h1>Back-test of feature specs</h1>\n")
            .Append("<p class=\"meta\">").Append(E($"{settings.Data} ({CliOptions.Describe(settings.Format)}), {result.Rows:N0} rows, {result.Positives:N0} clicks")).Append("</p>\n")
            .Append("<p class=\"meta\">").Append(E(BacktestTables.Describe(result))).Append("</p>\n")
            .Append("<p class=\"meta\">Command: <code>").Append(E(settings.CommandLine)).Append("</code></p>\n")
            .Append("<p class=\"meta\">").Append(E(string.Create(CultureInfo.InvariantCulture, $"Generated {generatedUtc.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC in {result.WallSeconds:F1} s by clickpredict backtest."))).Append("</p>\n");

        html.Append("<h2>Results</h2>\n");
        SpecTable(html, result);
        html.Append("<p class=\"note\">").Append(E(
            $"Differences are candidate minus baseline, with {settings.ConfidenceText} paired-bootstrap intervals over the test rows "
            + $"({settings.Resamples:N0} resamples, seed {settings.Seed}); bold marks an interval that excludes 0, green better and red worse. "
            + (result.ExtractNanoseconds is { } x
                ? string.Create(CultureInfo.InvariantCulture, $"Serving cost is the bidder's scoring call (OpenRtbScorer, one creative a request) plus {x:F0} ns of field extraction ({result.ExtractSource}), in {ThreadClock.Description}, fastest of 10 rounds over {result.TimingRequests:N0} test rows.")
                : string.Create(CultureInfo.InvariantCulture, $"Serving cost is the bidder's scoring call (OpenRtbScorer, one creative a request), in {ThreadClock.Description}, fastest of 10 rounds over {result.TimingRequests:N0} test rows; this format has no request to extract fields from.")))).Append("</p>\n");

        html.Append("<h2>Charts</h2>\n<ul class=\"legend\"></ul>\n<p id=\"chart-error\" class=\"error\"></p>\n<div class=\"charts\">\n");
        Figure(html, "roc", "ROC curves", "Test rows; the dashed diagonal is chance.");
        Figure(html, "reliability", "Reliability (calibration)", "Observed CTR against mean prediction in 10 equal-count bins; on the diagonal is calibrated.");
        Figure(html, "logloss", "Log loss over time", "Cumulative mean log loss over the test rows in file order.");
        Figure(html, "delta", "Log-loss difference against the baseline", $"Point estimate and {settings.ConfidenceText} interval; an interval clear of 0 is a real difference.");
        html.Append("</div>\n");

        if (settings.Suggest)
        {
            SuggestionTable(html, result);
        }

        // The JSON writer escapes <, > and & (\u003C...), so the document cannot close this element early.
        html.Append("<script type=\"application/json\" id=\"backtest-data\">")
            .Append(BacktestJson.Serialize(result, indented: false))
            .Append("</script>\n<script>\n").Append(s_script.Value).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Figure(StringBuilder html, string chart, string title, string caption) =>
        html.Append("<figure><figcaption>").Append(E(title)).Append("<span>").Append(E(caption)).Append("</span></figcaption>")
            .Append("<svg class=\"chart\" data-chart=\"").Append(chart).Append("\" id=\"chart-").Append(chart)
            .Append("\" role=\"img\" aria-label=\"").Append(E(title)).Append("\" xmlns=\"http://www.w3.org/2000/svg\"></svg></figure>\n");

    private static void SpecTable(StringBuilder html, BacktestResult result)
    {
        html.Append("<table class=\"results\">\n<thead><tr><th>spec</th><th>log loss</th><th>Δ log loss [CI]</th><th>AUC</th><th>Δ AUC [CI]</th>")
            .Append("<th>NE</th><th>Δ NE [CI]</th><th>calibration</th></tr></thead>\n<tbody>\n");
        foreach (var outcome in result.Specs)
        {
            var e = outcome.Evaluation;
            var vs = outcome.VsBaseline;
            NameCell(html, outcome)
                .Append(Cell(F(e.LogLoss, "0.00000")))
                .Append(vs is null ? Cell("-") : DeltaCell(vs.LogLoss, "+0.00000;-0.00000;0.00000", lowerIsBetter: true))
                .Append(Cell(F(e.Auc, "0.0000")))
                .Append(vs is null ? Cell("-") : DeltaCell(vs.Auc, "+0.0000;-0.0000;0.0000", lowerIsBetter: false))
                .Append(Cell(F(e.NormalizedEntropy, "0.0000")))
                .Append(vs is null ? Cell("-") : DeltaCell(vs.NormalizedEntropy, "+0.0000;-0.0000;0.0000", lowerIsBetter: true))
                .Append(Cell(F(e.Calibration, "0.000")))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
        html.Append("<table class=\"costs\">\n<thead><tr><th>spec</th><th>features</th><th>ns / request</th><th>Δ ns</th><th>non-zero weights</th>")
            .Append("<th>weights in memory</th><th>model file</th><th>training (wall)</th><th>training (CPU)</th></tr></thead>\n<tbody>\n");
        var baselineNs = result.Baseline.HashScoreNanoseconds;
        foreach (var outcome in result.Specs)
        {
            var spec = outcome.Source.Spec;
            NameCell(html, outcome)
                .Append(Cell(string.Create(CultureInfo.InvariantCulture, $"{spec.Fields.Count} fields + {spec.Crosses.Count} crosses, 2^{spec.HashBits} slots")))
                .Append(Cell(F(outcome.HashScoreNanoseconds + (result.ExtractNanoseconds ?? 0), "0")))
                .Append(Cell(outcome.VsBaseline is null ? "-" : F(outcome.HashScoreNanoseconds - baselineNs, "+0;-0;0")))
                .Append(Cell(outcome.NonZeroWeights.ToString("N0", CultureInfo.InvariantCulture)))
                .Append(Cell(Bytes(outcome.WeightBytes)))
                .Append(Cell(Bytes(outcome.ModelFileBytes)))
                .Append(Cell(string.Create(CultureInfo.InvariantCulture, $"{outcome.TrainWallSeconds:F2} s")))
                .Append(Cell(string.Create(CultureInfo.InvariantCulture, $"{outcome.TrainCpuSeconds:F2} s")))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static StringBuilder NameCell(StringBuilder html, SpecOutcome outcome) =>
        html.Append("<tr><td class=\"name\">").Append(E(outcome.Source.Label))
            .Append(outcome.Source.Role == SpecSource.Baseline ? " <span class=\"ci\">(baseline)</span>" : string.Empty)
            .Append(outcome.Source.Path is { } file ? $"<br><span class=\"ci\">{E(file)}</span>" : string.Empty).Append("</td>");

    private static void SuggestionTable(StringBuilder html, BacktestResult result)
    {
        html.Append("<h2>Suggestions</h2>\n<p class=\"note\">").Append(E(
            $"Every field and pairwise cross {result.Baseline.Source.Label} lacks, added one at a time, ranked by log-loss gain per nanosecond of extra serving cost "
            + string.Create(CultureInfo.InvariantCulture, $"(gains first; an extra cost below the timing resolution of {result.TimingResolutionNanoseconds:F1} ns, the largest difference the baseline showed timed against itself, counts as that much). The charts show the top {BacktestJson.ChartedSuggestions}. ")
            + "Ranking many additions on one test set favours lucky ones: confirm a pick on other rows."))
            .Append("</p>\n<table class=\"suggestions\">\n<thead><tr><th>#</th><th>addition</th><th>Δ log loss [CI]</th><th>Δ AUC [CI]</th><th>extra ns</th><th>gain / ns</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < result.Suggestions.Count; i++)
        {
            var s = result.Suggestions[i];
            var vs = s.Outcome.VsBaseline!;
            html.Append("<tr><td>").Append(i + 1).Append("</td><td class=\"name\" style=\"text-align:left\">").Append(E(s.Outcome.Source.Change ?? s.Outcome.Source.Label)).Append("</td>")
                .Append(DeltaCell(vs.LogLoss, "+0.00000;-0.00000;0.00000", lowerIsBetter: true))
                .Append(DeltaCell(vs.Auc, "+0.0000;-0.0000;0.0000", lowerIsBetter: false))
                .Append(Cell(F(s.ExtraNanoseconds, "+0.0;-0.0;0.0")))
                .Append(Cell(s.Gain > 0 ? s.GainPerNanosecond.ToString("0.00E+0", CultureInfo.InvariantCulture) : "-"))
                .Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
    }

    private static string DeltaCell(MetricDifference d, string format, bool lowerIsBetter)
    {
        var cls = !d.ExcludesZero ? string.Empty : (lowerIsBetter ? d.Upper < 0 : d.Lower > 0) ? " class=\"better\"" : " class=\"worse\"";
        return $"<td{cls}>{E(F(d.Difference, format))} <span class=\"ci range\">[{E(F(d.Lower, format))}, {E(F(d.Upper, format))}]</span></td>";
    }

    private static string Cell(string text) => $"<td>{E(text)}</td>";

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):F1} MiB"),
        >= 1 << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private static string F(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Resource(string name)
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var stream = assembly.GetManifestResourceStream($"ClickPredict.Cli.Backtest.Report.{name}")
            ?? throw new InvalidOperationException($"the report's embedded resource {name} is missing from {assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
