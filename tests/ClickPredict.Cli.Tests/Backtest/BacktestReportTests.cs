using System.Text.Json;
using System.Text.RegularExpressions;
using ClickPredict.Testing;

namespace ClickPredict.Cli.Tests.Backtest;

/// <summary>The HTML report, opened in headless Chromium: every chart drawn, with one line or point per spec and bin.</summary>
public partial class BacktestReportTests
{
    [GeneratedRegex("""<svg\b[^>]*\bdata-chart="(?<chart>\w+)"[^>]*>(?<body>.*?)</svg>""", RegexOptions.Singleline)]
    private static partial Regex Chart();

    [GeneratedRegex("""<script type="application/json" id="backtest-data">(?<json>.*?)</script>""", RegexOptions.Singleline)]
    private static partial Regex EmbeddedData();

    private static string Attribute(string element, string name)
    {
        var match = Regex.Match(element, "\\b" + Regex.Escape(name) + "=\"(?<value>[^\"]*)\"");
        return match.Success ? match.Groups["value"].Value : throw new Xunit.Sdk.XunitException($"no {name} in {element[..Math.Min(200, element.Length)]}");
    }

    private static List<string> Elements(string body, string tag, string cls) =>
        [.. Regex.Matches(body, $"""<{tag}\b[^>]*\bclass="{cls}"[^>]*>""").Select(m => m.Value)];

    [Fact]
    public void Report_OpenedInChromium_DrawsEveryChartForEverySpec()
    {
        using var dir = new TempDirectory();
        var report = dir.File("report.html");
        CliRunner.Ok("backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", CliRunner.Spec("avazu"),
            "--candidate", CliRunner.Spec("avazu-noise"), "--candidate", CliRunner.Spec("avazu-crosses"), "--noise-field", "day_of_week",
            "--max-rows", "4000", "--bootstrap", "200", "--timing-ms", "10", "--report", report);

        var html = File.ReadAllText(report);
        var data = JsonDocument.Parse(EmbeddedData().Match(html).Groups["json"].Value).RootElement;
        var specs = data.GetProperty("specs").EnumerateArray().ToList();
        Assert.Equal(3, specs.Count);

        var dom = HeadlessChromium.DumpDom(report);
        Assert.DoesNotContain("data-error=", dom);
        Assert.Contains("data-charts-rendered=\"4\"", dom);

        var charts = Chart().Matches(dom).ToDictionary(m => m.Groups["chart"].Value, m => (Element: m.Value, Body: m.Groups["body"].Value));
        Assert.Equal(["delta", "logloss", "reliability", "roc"], charts.Keys.Order());
        foreach (var (name, chart) in charts)
        {
            Assert.Equal("true", Attribute(chart.Element, "data-rendered"));
            Assert.Contains("class=\"axis\"", chart.Body);
        }

        // ROC: one line per spec with as many points as the spec's curve, plus the chance diagonal.
        var roc = Elements(charts["roc"].Body, "path", "series");
        Assert.Equal(3, roc.Count);
        Assert.Equal("3", Attribute(charts["roc"].Element, "data-series"));
        for (var i = 0; i < 3; i++)
        {
            var points = specs[i].GetProperty("curves").GetProperty("roc").GetArrayLength();
            Assert.Equal(points.ToString(System.Globalization.CultureInfo.InvariantCulture), Attribute(roc[i], "data-points"));
            Assert.Equal(points, Regex.Count(Attribute(roc[i], "d"), "[ML]"));
            Assert.Equal(specs[i].GetProperty("name").GetString(), Attribute(roc[i], "data-spec"));
        }

        Assert.Single(Elements(charts["roc"].Body, "path", "reference"));

        // Reliability: a point per bin per spec.
        var bins = specs.Sum(s => s.GetProperty("metrics").GetProperty("reliability").GetArrayLength());
        Assert.Equal(30, bins);
        Assert.Equal(bins, Elements(charts["reliability"].Body, "circle", "point").Count);
        Assert.Equal(3, Elements(charts["reliability"].Body, "path", "series").Count);

        // Log loss over time: a line per spec through its 200 checkpoints.
        var loss = Elements(charts["logloss"].Body, "path", "series");
        Assert.Equal(3, loss.Count);
        Assert.All(loss, line => Assert.Equal(200, Regex.Count(Attribute(line, "d"), "[ML]")));

        // Differences: an interval and an estimate per candidate.
        Assert.Equal(2, Elements(charts["delta"].Body, "circle", "estimate").Count);
        Assert.Equal(2, Elements(charts["delta"].Body, "line", "interval").Count);

        // The legend names every spec.
        foreach (var spec in specs)
        {
            Assert.Contains($">{spec.GetProperty("name").GetString()}", dom);
        }
    }

    [Fact]
    public void Report_IsSelfContained_AndCarriesTheTables()
    {
        using var dir = new TempDirectory();
        var report = dir.File("report.html");
        CliRunner.Ok("backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", CliRunner.Spec("avazu"),
            "--candidate", CliRunner.Spec("avazu-crosses"), "--max-rows", "2000", "--bootstrap", "50", "--timing-ms", "5", "--report", report);
        var html = File.ReadAllText(report);

        // Nothing is fetched: no external scripts, styles, fonts or images (the SVG namespace is a name, not a fetch).
        foreach (var forbidden in new[] { "<link", "@import", "src=", "@font-face", "https://" })
        {
            Assert.DoesNotContain(forbidden, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(
            Regex.Matches(html, "http://[^\"' ]+").Select(m => m.Value).Distinct().Order(),
            ["http://www.w3.org/2000/svg"]);
        Assert.Contains("<table class=\"results\">", html);
        Assert.Contains("<table class=\"costs\">", html);
        Assert.Contains("avazu-crosses", html);
        Assert.Contains("config/features/avazu-crosses.json", html);
        Assert.Contains("clickpredict backtest --data", html);
        Assert.EndsWith("</html>\n", html);
    }
}
