using System.Text.Json;
using ClickPredict.Core.Metrics;

namespace ClickPredict.Cli.Tests.Backtest;

public class BacktestCommandTests
{
    private static readonly string s_avazu = CliRunner.Spec("avazu");
    private static readonly string s_noise = CliRunner.Spec("avazu-noise");
    private static readonly string s_crosses = CliRunner.Spec("avazu-crosses");

    /// <summary>A quick back-test of the Avazu sample: the first rows, few resamples, short timing.</summary>
    private static string[] Quick(params string[] extra) =>
    [
        "backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", s_avazu, "--max-rows", "3000",
        "--bootstrap", "200", "--timing-ms", "10", .. extra,
    ];

    private static JsonElement Json(params string[] args) => JsonDocument.Parse(CliRunner.Ok(args)).RootElement;

    [Fact]
    public void Backtest_Json_IsOneDocumentWithEverySpecsAccuracyDifferenceAndCost()
    {
        var json = Json(Quick("--candidate", s_noise, "--candidate", s_crosses, "--noise-field", "day_of_week", "--json"));

        Assert.Equal("avazu", json.GetProperty("format").GetString());
        Assert.Equal(3_000, json.GetProperty("rows").GetInt32());
        Assert.Equal("ftrl", json.GetProperty("algorithm").GetString());
        var split = json.GetProperty("split");
        Assert.Equal("positional", split.GetProperty("mode").GetString());
        Assert.Equal(2_400, split.GetProperty("trainRows").GetInt32());
        Assert.Equal(600, split.GetProperty("testRows").GetInt32());
        Assert.Equal(200, json.GetProperty("bootstrap").GetProperty("resamples").GetInt32());
        Assert.Equal("day_of_week", json.GetProperty("noise").GetProperty("field").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("extraction").ValueKind);

        var specs = json.GetProperty("specs").EnumerateArray().ToList();
        Assert.Equal(["baseline", "candidate", "candidate"], specs.Select(s => s.GetProperty("role").GetString()));
        Assert.Equal(["avazu", "avazu-noise", "avazu-crosses"], specs.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, specs[0].GetProperty("vsBaseline").ValueKind);
        foreach (var spec in specs)
        {
            var metrics = spec.GetProperty("metrics");
            Assert.Equal(600, metrics.GetProperty("rows").GetInt32());
            Assert.InRange(metrics.GetProperty("logLoss").GetDouble(), 0.2, 0.7);
            Assert.InRange(metrics.GetProperty("auc").GetDouble(), 0.5, 1);
            Assert.InRange(metrics.GetProperty("calibration").GetDouble(), 0.5, 2);
            Assert.Equal(10, metrics.GetProperty("reliability").GetArrayLength());
            var cost = spec.GetProperty("servingCost");
            Assert.True(cost.GetProperty("hashScoreNanoseconds").GetDouble() > 0);
            Assert.Equal(cost.GetProperty("hashScoreNanoseconds").GetDouble(), cost.GetProperty("totalNanoseconds").GetDouble());
            Assert.True(cost.GetProperty("nonZeroWeights").GetInt64() > 0);
            Assert.True(cost.GetProperty("modelFileBytes").GetInt64() > 0);
            Assert.True(cost.GetProperty("weightBytes").GetInt64() > 0);
            var training = spec.GetProperty("training");
            Assert.Equal(2_400, training.GetProperty("rows").GetInt64());
            Assert.True(training.GetProperty("wallSeconds").GetDouble() > 0);
            var curves = spec.GetProperty("curves");
            Assert.InRange(curves.GetProperty("roc").GetArrayLength(), 10, 200);
            Assert.Equal(200, curves.GetProperty("logLossOverTime").GetArrayLength());
            var last = curves.GetProperty("logLossOverTime")[199];
            Assert.Equal(600, last[0].GetInt32());
            Assert.Equal(metrics.GetProperty("logLoss").GetDouble(), last[1].GetDouble(), 12);
        }

        foreach (var spec in specs.Skip(1))
        {
            var logLoss = spec.GetProperty("vsBaseline").GetProperty("logLoss");
            var difference = logLoss.GetProperty("difference").GetDouble();
            Assert.Equal(spec.GetProperty("metrics").GetProperty("logLoss").GetDouble() - specs[0].GetProperty("metrics").GetProperty("logLoss").GetDouble(), difference, 12);
            Assert.InRange(difference, logLoss.GetProperty("lower").GetDouble(), logLoss.GetProperty("upper").GetDouble());
            Assert.True(logLoss.GetProperty("standardError").GetDouble() > 0);
            Assert.Equal(logLoss.GetProperty("lower").GetDouble() > 0 || logLoss.GetProperty("upper").GetDouble() < 0, logLoss.GetProperty("excludesZero").GetBoolean());
            Assert.Equal(JsonValueKind.Object, spec.GetProperty("vsBaseline").GetProperty("auc").ValueKind);
            Assert.Equal(JsonValueKind.Object, spec.GetProperty("vsBaseline").GetProperty("normalizedEntropy").ValueKind);
        }

        Assert.Equal(3, specs[2].GetProperty("spec").GetProperty("crosses").GetInt32());
    }

    [Fact]
    public void Backtest_BaselineFigures_AreThoseOfFitThenEvaluateOnTheSameSplit()
    {
        // The back-test trains and scores with the same learner and scoring path as fit and evaluate.
        using var dir = new TempDirectory();
        var data = dir.File("head.csv");
        File.WriteAllLines(data, File.ReadLines(CliRunner.Avazu).Take(2_501));
        var model = dir.File("m.cpm");
        CliRunner.Ok("fit", "--data", data, "--format", "avazu", "--features", s_avazu, "--holdout-fraction", "0.2", "--alpha", "0.1", "--out", model);
        var evaluated = Json("evaluate", "--model", model, "--data", data, "--format", "avazu", "--holdout-fraction", "0.2", "--json");

        var backtest = Json("backtest", "--data", data, "--format", "avazu", "--baseline", s_avazu, "--candidate", s_crosses, "--split", "0.8",
            "--alpha", "0.1", "--bootstrap", "50", "--timing-ms", "5", "--json");
        var baseline = backtest.GetProperty("specs")[0].GetProperty("metrics");
        Assert.Equal(evaluated.GetProperty("rows").GetInt32(), baseline.GetProperty("rows").GetInt32());
        Assert.Equal(evaluated.GetProperty("logLoss").GetDouble(), baseline.GetProperty("logLoss").GetDouble());
        Assert.Equal(evaluated.GetProperty("auc").GetDouble(), baseline.GetProperty("auc").GetDouble());
        Assert.Equal(evaluated.GetProperty("calibration").GetDouble(), baseline.GetProperty("calibration").GetDouble());
    }

    [Fact]
    public void Backtest_Progressive_ScoresEveryRowBeforeLearningIt()
    {
        using var dir = new TempDirectory();
        var data = dir.File("head.csv");
        File.WriteAllLines(data, File.ReadLines(CliRunner.Avazu).Take(2_001));
        var model = dir.File("m.cpm");
        CliRunner.Ok("fit", "--data", data, "--format", "avazu", "--features", s_avazu, "--out", model);
        var progressiveLogLoss = Core.Model.ModelFile.Load(model).Info.Metrics["progressiveLogLoss"];

        var json = Json("backtest", "--data", data, "--format", "avazu", "--baseline", s_avazu, "--candidate", s_crosses, "--progressive",
            "--bootstrap", "50", "--timing-ms", "5", "--json");
        var split = json.GetProperty("split");
        Assert.Equal("progressive", split.GetProperty("mode").GetString());
        Assert.Equal(2_000, split.GetProperty("testRows").GetInt32());
        Assert.Equal(0, split.GetProperty("testFrom").GetInt32());
        Assert.Equal(progressiveLogLoss, json.GetProperty("specs")[0].GetProperty("metrics").GetProperty("logLoss").GetDouble(), 12);
    }

    [Fact]
    public void Backtest_Lbfgs_TrainsEachSpecWithMlNet()
    {
        using var dir = new TempDirectory();
        var json = Json("backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", CliRunner.SmallSpec(dir, "avazu"),
            "--candidate", CliRunner.SmallSpec(dir, "avazu-crosses"), "--algo", "lbfgs", "--max-iterations", "30",
            "--max-rows", "1000", "--bootstrap", "50", "--timing-ms", "5", "--json");
        Assert.Equal(30, json.GetProperty("hyperParameters").GetProperty("maxIterations").GetInt32());
        Assert.Equal("lbfgs", json.GetProperty("algorithm").GetString());
        Assert.Equal(1.0, json.GetProperty("hyperParameters").GetProperty("l1").GetDouble());
        Assert.False(json.GetProperty("hyperParameters").TryGetProperty("passes", out _));
        foreach (var spec in json.GetProperty("specs").EnumerateArray())
        {
            Assert.InRange(spec.GetProperty("metrics").GetProperty("logLoss").GetDouble(), 0.2, 0.7);
        }
    }

    [Fact]
    public void Backtest_Table_ShowsAccuracyCostAndTheStagesRun()
    {
        using var dir = new TempDirectory();
        var report = dir.File("report.html");
        var output = CliRunner.Ok(Quick("--candidate", s_crosses, "--report", report));

        foreach (var text in new[]
        {
            "read avazu_train_head9999.csv: 3,000 rows", "avazu: log loss", "avazu-crosses: log loss", "serving cost:", "bootstrap: 1 comparison(s), 200 resamples",
            "trained on rows 1-2,400, tested on rows 2,401-3,000", "accuracy on the test rows", "Δ log loss [95% CI]", "serving and training cost",
            "avazu (baseline)", "ns/request", "non-zero weights", "model file", $"report written to {report}",
        })
        {
            Assert.Contains(text, output);
        }

        Assert.True(File.Exists(report));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Backtest_OnATerminal_DrawsLiveBars_AndWithJsonKeepsThemOffStdout()
    {
        var (exit, output, error) = CliRunner.Run(true, Quick("--candidate", s_crosses));
        Assert.True(exit == 0, error);
        Assert.Contains("\u001b[", output);
        Assert.Contains("accuracy on the test rows", output);
        Assert.Contains("serving and training cost", output);

        (exit, output, error) = CliRunner.Run(true, Quick("--candidate", s_crosses, "--json"));
        Assert.True(exit == 0, error);
        Assert.Equal(2, JsonDocument.Parse(output).RootElement.GetProperty("specs").GetArrayLength());
        Assert.Contains("\u001b[", error);
        Assert.Contains("100%", error);
    }

    [Fact]
    public void Backtest_SameSpecTwice_DiffersByExactlyNothing()
    {
        var json = Json(Quick("--candidate", s_avazu, "--json"));
        var specs = json.GetProperty("specs");
        Assert.Equal("avazu (avazu.json)", specs[0].GetProperty("name").GetString());
        Assert.Equal("avazu (avazu.json) #2", specs[1].GetProperty("name").GetString());
        var logLoss = specs[1].GetProperty("vsBaseline").GetProperty("logLoss");
        Assert.Equal(0, logLoss.GetProperty("difference").GetDouble());
        Assert.Equal(0, logLoss.GetProperty("lower").GetDouble());
        Assert.Equal(0, logLoss.GetProperty("upper").GetDouble());
        Assert.False(logLoss.GetProperty("excludesZero").GetBoolean());
    }

    [Fact]
    public void Backtest_Events_AddsOpenRtbExtractionToTheServingCost()
    {
        using var dir = new TempDirectory();
        var events = dir.File("sim.events");
        CliRunner.Ok("simulate", "--examples", "3000", "--out", events, "--seed", "5", "--sites", "40", "--apps", "20");
        var spec = CliRunner.SmallSpec(dir, "default");
        var json = Json("backtest", "--data", events, "--format", "events", "--baseline", spec, "--candidate", spec,
            "--bootstrap", "50", "--timing-ms", "10", "--json");

        var extraction = json.GetProperty("extraction").GetProperty("nanosecondsPerRequest").GetDouble();
        Assert.True(extraction > 0);
        var cost = json.GetProperty("specs")[0].GetProperty("servingCost");
        Assert.Equal(extraction, cost.GetProperty("extractNanoseconds").GetDouble());
        Assert.Equal(extraction + cost.GetProperty("hashScoreNanoseconds").GetDouble(), cost.GetProperty("totalNanoseconds").GetDouble(), 9);
        Assert.NotEqual(JsonValueKind.Null, json.GetProperty("split").GetProperty("testFromUtc").ValueKind);
    }

    [Fact]
    public void Additions_AreEveryUnusedFieldAndEveryMissingPairwiseCross()
    {
        // A spec of 17 of the iPinYou schema's 19 fields and no crosses: 2 fields and 19 * 18 / 2 = 171 crosses to try.
        var schema = Core.Features.FieldSchema.IPinYou;
        var ipinyou = new Core.Features.FeatureSpec(
            "ipinyou17", schema, 18, 1, [.. schema.Fields.Select(f => f.Name).Where(n => n is not ("slotwidth" or "slotheight"))]);
        var all = Cli.Backtest.SuggestionSearch.Additions(ipinyou);
        Assert.Equal(173, all.Count);
        Assert.Equal(["+slotwidth", "+slotheight"], all.Take(2).Select(a => a.Change));
        Assert.Contains(all, a => a.Change == "+slotid&creative" && a.Spec.Crosses.Single().Name == "slotid&creative");
        Assert.All(all, a => Assert.Equal(ipinyou.Fields.Count + ipinyou.Crosses.Count + 1, a.Spec.Fields.Count + a.Spec.Crosses.Count));

        // Crosses the baseline has are not tried again; a narrowed search tries only its fields.
        var crossed = ipinyou.WithCross("creative", "slotid");
        Assert.DoesNotContain(Cli.Backtest.SuggestionSearch.Additions(crossed), a => a.Change == "+slotid&creative");
        var fields = new[] { "slotwidth", "slotid", "creative" }.Select(Core.Features.FieldSchema.IPinYou.GetField).ToList();
        Assert.Equal(["+slotwidth", "+slotid&slotwidth", "+slotid&creative", "+slotwidth&creative"], Cli.Backtest.SuggestionSearch.Additions(ipinyou, fields).Select(a => a.Change));
    }

    [Fact]
    public void Backtest_Suggest_TriesEachAdditionAndRanksGainsByCost()
    {
        using var dir = new TempDirectory();
        var data = dir.File("avazu-head.csv");
        File.WriteAllLines(data, File.ReadLines(CliRunner.Avazu).Take(2_001));
        var report = dir.File("suggest.html");
        var json = Json("backtest", "--data", data, "--format", "avazu", "--baseline", CliRunner.SmallSpec(dir, "avazu"), "--suggest",
            "--suggest-fields", "day_of_week,site_id,site_domain,C14,C21", "--bootstrap", "50", "--timing-ms", "4", "--report", report, "--json");

        // day_of_week alone, and the 10 crosses of the five fields.
        var suggestions = json.GetProperty("suggestions").EnumerateArray().ToList();
        Assert.Equal(11, suggestions.Count);
        Assert.Equal(["day_of_week", "site_id", "site_domain", "C14", "C21"], json.GetProperty("suggestFields").EnumerateArray().Select(f => f.GetString()));
        Assert.Contains(suggestions, s => s.GetProperty("change").GetString() == "+day_of_week");
        Assert.Contains(suggestions, s => s.GetProperty("change").GetString() == "+site_id&C21");
        Assert.Equal(Enumerable.Range(1, 11), suggestions.Select(s => s.GetProperty("rank").GetInt32()));
        var resolution = json.GetProperty("timing").GetProperty("resolutionNanoseconds").GetDouble();
        Assert.True(resolution >= 1);

        // Gains first, by gain per nanosecond (the extra cost counted as at least the timing resolution); then the rest by gain.
        var gains = suggestions.Select(s => s.GetProperty("gain").GetDouble()).ToList();
        var firstLoss = gains.FindIndex(g => g <= 0);
        var perNs = suggestions.Take(firstLoss < 0 ? gains.Count : firstLoss).Select(s => s.GetProperty("gainPerNanosecond").GetDouble()).ToList();
        Assert.Equal(perNs.OrderByDescending(x => x), perNs);
        if (firstLoss >= 0)
        {
            Assert.All(gains.Skip(firstLoss), g => Assert.True(g <= 0));
            Assert.Equal(gains.Skip(firstLoss).OrderByDescending(x => x), gains.Skip(firstLoss));
        }

        foreach (var s in suggestions)
        {
            var outcome = s.GetProperty("outcome");
            Assert.Equal("suggestion", outcome.GetProperty("role").GetString());
            var logLoss = outcome.GetProperty("vsBaseline").GetProperty("logLoss");
            Assert.Equal(-logLoss.GetProperty("difference").GetDouble(), s.GetProperty("gain").GetDouble(), 12);
            Assert.Equal(logLoss.GetProperty("upper").GetDouble() < 0, s.GetProperty("significant").GetBoolean());
            Assert.Equal(s.GetProperty("rank").GetInt32() <= 5, outcome.TryGetProperty("curves", out _));
            var gain = s.GetProperty("gain").GetDouble();
            Assert.Equal(gain / Math.Max(s.GetProperty("extraNanoseconds").GetDouble(), resolution), s.GetProperty("gainPerNanosecond").GetDouble(), 12);
        }

        var html = File.ReadAllText(report);
        Assert.Contains("<h2>Suggestions</h2>", html);
        Assert.Contains("+site_id&amp;C21", html);
    }

    [Fact]
    public void Backtest_OnTheRealAvazuSample_NoiseShowsNoGain_AndTheCrossesAGainClearOfZero()
    {
        // The committed specs and the exact command of docs/BENCHMARKS.md (Back-test): the figures there, kept true.
        var json = Json("backtest", "--data", CliRunner.Avazu, "--format", "avazu", "--baseline", CliRunner.Spec("avazu-fields"), "--candidate", s_noise,
            "--candidate", s_crosses, "--noise-field", "day_of_week", "--alpha", "0.05", "--l1", "0", "--split", "0.5", "--timing-ms", "10", "--json");
        var specs = json.GetProperty("specs");
        Assert.Equal(4_999, json.GetProperty("split").GetProperty("testRows").GetInt32());
        var noise = specs[1].GetProperty("vsBaseline").GetProperty("logLoss");
        Assert.False(noise.GetProperty("excludesZero").GetBoolean(), $"noise interval [{noise.GetProperty("lower")}, {noise.GetProperty("upper")}]");
        Assert.True(noise.GetProperty("lower").GetDouble() < 0 && noise.GetProperty("upper").GetDouble() > 0);
        var crosses = specs[2].GetProperty("vsBaseline").GetProperty("logLoss");
        Assert.True(crosses.GetProperty("upper").GetDouble() < 0, $"crosses interval [{crosses.GetProperty("lower")}, {crosses.GetProperty("upper")}]");
        Assert.True(specs[2].GetProperty("vsBaseline").GetProperty("auc").GetProperty("lower").GetDouble() > 0);
        Assert.Equal(-0.00208, crosses.GetProperty("difference").GetDouble(), 5);
        Assert.Equal(0.00002, noise.GetProperty("difference").GetDouble(), 5);
    }

    [Fact]
    public void Backtest_NoiseField_IsSeededAndChangesOnlyTheSpecsThatUseIt()
    {
        var first = Json(Quick("--candidate", s_noise, "--noise-field", "day_of_week", "--seed", "3", "--json"));
        var again = Json(Quick("--candidate", s_noise, "--noise-field", "day_of_week", "--seed", "3", "--json"));
        var other = Json(Quick("--candidate", s_noise, "--noise-field", "day_of_week", "--seed", "4", "--json"));
        var constant = Json(Quick("--candidate", s_noise, "--seed", "3", "--json"));

        static double LogLoss(JsonElement json, int spec) => json.GetProperty("specs")[spec].GetProperty("metrics").GetProperty("logLoss").GetDouble();
        Assert.Equal(LogLoss(first, 1), LogLoss(again, 1));
        Assert.NotEqual(LogLoss(first, 1), LogLoss(other, 1));
        Assert.NotEqual(LogLoss(first, 1), LogLoss(constant, 1));
        // The baseline does not read the field, so noise in it changes nothing there.
        Assert.Equal(LogLoss(first, 0), LogLoss(other, 0));
        Assert.Equal(LogLoss(first, 0), LogLoss(constant, 0));
    }

    [Fact]
    public void CumulativeLogLoss_ClosesAtEvenlySpacedRowsAndEndsAtTheMean()
    {
        var random = new Random(2);
        var p = Enumerable.Range(0, 1_003).Select(_ => random.NextDouble()).ToArray();
        var y = p.Select(q => random.NextDouble() < q).ToArray();
        var curve = Cli.Backtest.BacktestEngine.CumulativeLogLoss(p, y, 200);

        Assert.Equal(200, curve.Count);
        Assert.Equal(5, curve[0].Rows);
        Assert.Equal(1_003, curve[^1].Rows);
        Assert.Equal(BinaryMetrics.LogLoss(p, y), curve[^1].LogLoss, 12);
        Assert.Equal(BinaryMetrics.LogLoss(p.AsSpan(0, 5), y.AsSpan(0, 5)), curve[0].LogLoss, 12);
        Assert.True(curve.Zip(curve.Skip(1)).All(pair => pair.First.Rows < pair.Second.Rows));

        var short_ = Cli.Backtest.BacktestEngine.CumulativeLogLoss(p.AsSpan(0, 7), y.AsSpan(0, 7), 200);
        Assert.Equal(Enumerable.Range(1, 7), short_.Select(c => c.Rows));
    }
}
