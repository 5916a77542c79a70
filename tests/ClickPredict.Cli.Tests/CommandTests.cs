using System.Text.Json;
using ClickPredict.Core.Data;
using ClickPredict.Core.Model;
using ClickPredict.Learning.Onnx;

namespace ClickPredict.Cli.Tests;

public class CommandTests
{
    private static string Simulate(TempDirectory dir, int examples = 4_000)
    {
        var events = dir.File("sim.events");
        CliRunner.Ok("simulate", "--examples", examples.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", events, "--seed", "7", "--sites", "40", "--apps", "20");
        return events;
    }

    [Fact]
    public void Simulate_WritesLabelledExamplesThatFormatEventsReads()
    {
        using var dir = new TempDirectory();
        var events = dir.File("sim.events");
        var output = CliRunner.Ok("simulate", "--examples", "1500", "--out", events, "--seed", "3", "--drift", "0.5");
        Assert.Contains("wrote 1,500 examples", output);
        Assert.Contains("best possible log loss", output);

        using var reader = (EventExampleReader)ExampleReader.Open(events, DataFormat.Events);
        var clicks = 0;
        while (reader.Read())
        {
            Assert.NotNull(reader.Current!.TrueCtr);
            Assert.False(reader.Values.IsMissing(Core.Features.OpenRtbFields.CreativeId));
            clicks += reader.Label ? 1 : 0;
        }

        Assert.Equal(1_500, reader.Count);
        Assert.InRange(clicks, 1, 1_499);
        Assert.False(File.Exists(events + ".tmp"));
    }

    [Fact]
    public void Fit_Ftrl_WritesAModelThatRecordsItsDataHyperParametersMetricsAndCost()
    {
        using var dir = new TempDirectory();
        var events = Simulate(dir);
        var modelPath = dir.File("m.cpm");
        var output = CliRunner.Ok("fit", "--data", events, "--format", "events", "--features", CliRunner.Spec("default"),
            "--algo", "ftrl", "--holdout-fraction", "0.25", "--passes", "2", "--alpha", "0.1", "--l1", "0.5", "--out", modelPath, "--model-id", "sim-ctr");
        Assert.Contains("ftrl pass 2/2: 3,000 rows", output);
        Assert.Contains("progressive log loss", output);
        Assert.Contains("holdout: 1,000 rows", output);

        var model = ModelFile.Load(modelPath);
        Assert.Equal("sim-ctr", model.Info.ModelId);
        Assert.Equal("ftrl", model.Info.Algorithm);
        Assert.Equal(0.1, model.Info.HyperParameters["alpha"]);
        Assert.Equal(0.5, model.Info.HyperParameters["lambda1"]);
        Assert.Equal(3_000, model.Info.TrainingData.Rows);
        Assert.Contains(events, model.Info.TrainingData.Source);
        Assert.NotNull(model.Info.TrainingData.FromUtc);
        Assert.True(model.Info.TrainingData.ToUtc > model.Info.TrainingData.FromUtc);
        Assert.Equal(6_000, model.Info.Cost.ExamplesSeen);
        Assert.True(model.Info.Cost.WallSeconds > 0);
        Assert.True(model.Info.Cost.CpuSeconds > 0);
        Assert.Equal(1_000, model.Info.Metrics["holdoutRows"]);
        Assert.InRange(model.Info.Metrics["holdoutLogLoss"], 0.01, 1);
        Assert.True(model.Info.Metrics.ContainsKey("progressiveLogLoss"));
        Assert.Contains("--passes 2", model.Info.Notes);

        // evaluate on the same held-out rows gives the figures fit recorded.
        var json = JsonDocument.Parse(CliRunner.Ok("evaluate", "--model", modelPath, "--data", events, "--format", "events", "--holdout-fraction", "0.25", "--json")).RootElement;
        Assert.Equal(1_000, json.GetProperty("rows").GetInt64());
        Assert.Equal(model.Info.Metrics["holdoutLogLoss"], json.GetProperty("logLoss").GetDouble(), 12);
        Assert.Equal(model.Info.Metrics["holdoutAuc"], json.GetProperty("auc").GetDouble(), 12);
    }

    [Fact]
    public void Fit_NegativeRate_RecordsTheRateTheModelRecalibratesWith()
    {
        using var dir = new TempDirectory();
        var events = Simulate(dir, 2_000);
        var modelPath = dir.File("m.cpm");
        CliRunner.Ok("fit", "--data", events, "--format", "events", "--features", CliRunner.Spec("default"), "--negative-rate", "0.25", "--out", modelPath);
        Assert.Equal(0.25, ModelFile.Load(modelPath).Info.NegativeSamplingRate);

        CliRunner.Ok("fit", "--data", events, "--format", "events", "--features", CliRunner.Spec("default"), "--negative-rate", "0.25", "--importance-weights", "--out", modelPath);
        Assert.Equal(1.0, ModelFile.Load(modelPath).Info.NegativeSamplingRate);
    }

    [Theory]
    [InlineData("lbfgs")]
    [InlineData("sdca")]
    public void Fit_Batch_OnAvazu_ThenEvaluateJson(string algorithm)
    {
        using var dir = new TempDirectory();
        var modelPath = dir.File($"{algorithm}.cpm");
        // The shipped Avazu spec at 2^18 slots rather than 2^20: L-BFGS's memory and time scale with the slots.
        var spec = dir.File("avazu18.json");
        File.WriteAllText(spec, Core.Features.FeatureSpec.Load(CliRunner.Spec("avazu")).WithHashBits(18).ToJson());
        CliRunner.Ok("fit", "--data", CliRunner.Avazu, "--format", "avazu", "--features", spec, "--algo", algorithm, "--holdout-fraction", "0.2", "--out", modelPath);
        var model = ModelFile.Load(modelPath);
        Assert.Equal(algorithm, model.Info.Algorithm);
        Assert.Equal(8_000, model.Info.TrainingData.Rows);

        var json = JsonDocument.Parse(CliRunner.Ok("evaluate", "--model", modelPath, "--data", CliRunner.Avazu, "--format", "avazu", "--holdout-fraction", "0.2", "--json")).RootElement;
        Assert.Equal(1_999, json.GetProperty("rows").GetInt64());
        foreach (var key in new[] { "logLoss", "auc", "normalizedEntropy", "calibration" })
        {
            Assert.Equal(JsonValueKind.Number, json.GetProperty(key).ValueKind);
        }

        // Better than predicting the click rate: normalized entropy below 1, AUC above a coin's.
        Assert.InRange(json.GetProperty("normalizedEntropy").GetDouble(), 0.5, 0.99);
        Assert.InRange(json.GetProperty("auc").GetDouble(), 0.6, 1);
        Assert.Equal(10, json.GetProperty("reliability").GetArrayLength());
    }

    [Fact]
    public void Evaluate_PrintsMetricsAndAReliabilityTable()
    {
        using var dir = new TempDirectory();
        var events = Simulate(dir, 2_000);
        var modelPath = dir.File("m.cpm");
        CliRunner.Ok("fit", "--data", events, "--format", "events", "--features", CliRunner.Spec("default"), "--out", modelPath);
        var output = CliRunner.Ok("evaluate", "--model", modelPath, "--data", events, "--format", "events", "--bins", "5");
        foreach (var text in new[] { "log loss", "AUC", "normalized entropy", "calibration", "reliability", "2,000" })
        {
            Assert.Contains(text, output);
        }
    }

    [Fact]
    public void ExportOnnx_WritesAModelOnnxRuntimeServesAlike()
    {
        using var dir = new TempDirectory();
        var events = Simulate(dir, 2_000);
        var modelPath = dir.File("m.cpm");
        var onnxPath = dir.File("m.onnx");
        CliRunner.Ok("fit", "--data", events, "--format", "events", "--features", CliRunner.Spec("default"), "--out", modelPath);
        Assert.Contains("int64[batch, 36]", CliRunner.Ok("export-onnx", "--model", modelPath, "--out", onnxPath));

        var model = ModelFile.Load(modelPath);
        using var scorer = OnnxScorer.Load(onnxPath);
        using var reader = ExampleReader.Open(events, DataFormat.Events);
        while (reader.Read() && reader.Count <= 300)
        {
            Assert.Equal(model.Predict(reader.Values), scorer.Predict(reader.Values), 1e-6);
        }
    }

    [Fact]
    public void Fit_OnATerminal_DrawsAProgressBarWithRateAndRunningLogLoss()
    {
        using var dir = new TempDirectory();
        var events = Simulate(dir, 3_000);
        var (exit, output, error) = CliRunner.Run(true, "fit", "--data", events, "--format", "events", "--features", CliRunner.Spec("default"),
            "--holdout-fraction", "0.2", "--out", dir.File("m.cpm"));
        Assert.True(exit == 0, error);
        Assert.Contains("rows/s", output);
        Assert.Contains("progressive log loss", output);
        Assert.Contains("100%", output);
        Assert.True(File.Exists(dir.File("m.cpm")));
    }
}
