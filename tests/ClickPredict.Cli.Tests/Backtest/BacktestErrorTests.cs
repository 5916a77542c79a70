namespace ClickPredict.Cli.Tests.Backtest;

/// <summary>Bad specs, bad data and bad options: one line on stderr, a non-zero exit, and no report left behind.</summary>
public class BacktestErrorTests
{
    private static readonly string s_avazu = CliRunner.Spec("avazu");
    private static readonly string s_crosses = CliRunner.Spec("avazu-crosses");

    private static void AssertOneLineError(string[] args, int exit, params string[] mentions) => AssertOneLineError(args, exit, stagesRan: false, mentions);

    /// <summary>When <paramref name="stagesRan"/>, stages that finished before the failure may have printed their summary lines, but no results.</summary>
    private static void AssertOneLineError(string[] args, int exit, bool stagesRan, params string[] mentions)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(exit, code);
        if (stagesRan)
        {
            Assert.DoesNotContain("accuracy", output);
            Assert.DoesNotContain("report written", output);
        }
        else
        {
            Assert.Equal(string.Empty, output);
        }

        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, lines[0]);
        }
    }

    private static string[] Backtest(string data, string format, string baseline, string candidate, string report, params string[] extra) =>
        ["backtest", "--data", data, "--format", format, "--baseline", baseline, "--candidate", candidate, "--report", report, "--bootstrap", "20", "--timing-ms", "2", .. extra];

    [Fact]
    public void BadCandidateSpec_IsOneLineNamingTheFileAndTheField_AndWritesNoReport()
    {
        using var dir = new TempDirectory();
        var spec = dir.File("bad.json");
        File.WriteAllText(spec, File.ReadAllText(s_crosses).Replace("\"site_domain\"", "\"site_domian\"", StringComparison.Ordinal));
        var report = dir.File("report.html");

        AssertOneLineError(Backtest(CliRunner.Avazu, "avazu", s_avazu, spec, report), 1, "bad.json", "unknown field 'site_domian'", "did you mean 'site_domain'");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.html*"));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void SpecThatIsNotJson_OrOfAnotherSchema_IsOneLine()
    {
        using var dir = new TempDirectory();
        var spec = dir.File("broken.json");
        File.WriteAllText(spec, "{ \"name\": \"x\", ");
        AssertOneLineError(Backtest(CliRunner.Avazu, "avazu", s_avazu, spec, dir.File("r.html")), 1, "broken.json", "not valid JSON");
        AssertOneLineError(Backtest(CliRunner.Avazu, "avazu", s_avazu, CliRunner.Spec("default"), dir.File("r.html")), 1, "--candidate", "schema 'openrtb'", "'avazu'");
        AssertOneLineError(Backtest(CliRunner.Avazu, "avazu", dir.File("missing.json"), s_crosses, dir.File("r.html")), 1, "missing.json", "cannot read");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.html*"));
    }

    [Fact]
    public void UnreadableData_IsOneLine_AndWritesNoReport()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("missing.csv");
        AssertOneLineError(Backtest(missing, "avazu", s_avazu, s_crosses, dir.File("r.html")), 1, missing, "cannot open");
        // An Avazu CSV is not an events file.
        AssertOneLineError(Backtest(CliRunner.Avazu, "events", CliRunner.Spec("default"), CliRunner.Spec("default"), dir.File("r.html")), 1, "avazu_train_head9999.csv");
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void MalformedRowLateInTheFile_FailsTheWholeRun_AndLeavesTheOldReportAlone()
    {
        using var dir = new TempDirectory();
        var data = dir.File("bad.csv");
        var lines = File.ReadLines(CliRunner.Avazu).Take(1_200).ToList();
        lines.Add("1,0,14102100,1005,0,only-a-few-columns");
        lines.AddRange(File.ReadLines(CliRunner.Avazu).Skip(1_200).Take(100));
        File.WriteAllLines(data, lines);
        var report = dir.File("report.html");
        File.WriteAllText(report, "an earlier report");

        AssertOneLineError(Backtest(data, "avazu", s_avazu, s_crosses, report), 1, "bad.csv:1201", "columns");
        Assert.Equal("an earlier report", File.ReadAllText(report));
        Assert.Equal(["bad.csv", "report.html"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void TooFewRowsToSplit_IsOneLine()
    {
        using var dir = new TempDirectory();
        var data = dir.File("one.csv");
        File.WriteAllLines(data, File.ReadLines(CliRunner.Avazu).Take(2));
        AssertOneLineError(Backtest(data, "avazu", s_avazu, s_crosses, dir.File("r.html")), 1, stagesRan: true, "1 rows split at 0.8", "nothing to test on");
        var empty = dir.File("empty.csv");
        File.WriteAllLines(empty, File.ReadLines(CliRunner.Avazu).Take(1));
        AssertOneLineError(Backtest(empty, "avazu", s_avazu, s_crosses, dir.File("r.html")), 1, stagesRan: true, "no rows to back-test on");
        Assert.False(File.Exists(dir.File("r.html")));
    }

    [Theory]
    [InlineData("--split and --progressive exclude each other", "--split", "0.7", "--progressive")]
    [InlineData("apply to --algo ftrl only", "--algo", "lbfgs", "--progressive")]
    [InlineData("apply to --algo ftrl only", "--algo", "lbfgs", "--passes", "2")]
    [InlineData("takes one pass", "--progressive", "--passes", "2")]
    [InlineData("--suggest makes its own candidates", "--suggest")]
    [InlineData("the baseline uses this field", "--noise-field", "site_id")]
    [InlineData("schema 'avazu' has no field 'noise'", "--noise-field", "noise")]
    [InlineData("--split must be a fraction in (0, 1)", "--split", "1")]
    [InlineData("--confidence must be in (0, 1)", "--confidence", "1.5")]
    [InlineData("--max-iterations applies to --algo lbfgs only", "--max-iterations", "10")]
    [InlineData("--suggest-fields narrows --suggest", "--suggest-fields", "C14")]
    public void ContradictoryOptions_AreOneLine(string mention, params string[] extra)
    {
        using var dir = new TempDirectory();
        var args = Backtest(CliRunner.Avazu, "avazu", s_avazu, s_crosses, dir.File("r.html"), extra);
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: ", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(mention, error);
        Assert.False(File.Exists(dir.File("r.html")));
    }

    [Theory]
    [InlineData("--split", "0", "--split")]
    [InlineData("--bootstrap", "5", "--bootstrap")]
    [InlineData("--algo", "sdca", "sdca")]
    [InlineData("--format", "parquet", "parquet")]
    public void BadOptionValues_AreUsageErrors(string option, string value, string mention)
    {
        using var dir = new TempDirectory();
        string[] args = option == "--format"
            ? ["backtest", "--data", CliRunner.Avazu, "--baseline", s_avazu, "--candidate", s_crosses, option, value]
            : ["backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", s_avazu, "--candidate", s_crosses, option, value];
        AssertOneLineError(args, 2, mention);
    }

    [Fact]
    public void NothingToCompare_OrNoBaseline_IsOneLine()
    {
        AssertOneLineError(["backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", s_avazu], 1, "nothing to compare");
        AssertOneLineError(["backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--candidate", s_crosses], 2, "--baseline");
    }

    [Fact]
    public void ReportIntoAMissingDirectory_IsRefusedBeforeAnyWork()
    {
        using var dir = new TempDirectory();
        var report = Path.Combine(dir.Path, "no", "such", "report.html");
        AssertOneLineError(Backtest(CliRunner.Avazu, "avazu", s_avazu, s_crosses, report), 1, "--report", "does not exist");
        AssertOneLineError(Backtest(CliRunner.Avazu, "avazu", s_avazu, s_crosses, dir.Path), 1, "is a directory");
    }
}
