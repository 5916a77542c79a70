using System.CommandLine;
using System.Text.Json;
using ClickPredict.Cli.Calibration;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Cli.Tests;

public class OnlineCalibrationTests
{
    private static string IPinYou => Path.Combine(CliRunner.SharedData, "ipinyou", "ipinyou_2997_decoded_train.tsv");

    /// <summary>
    /// <c>evaluate --online-calibration</c> on the held-out rows gives exactly what the trainer's calibration code
    /// (<see cref="ProgressiveCalibration"/> over a <see cref="LiveCalibration"/>) gives on those rows in file
    /// order, reports the model alone as plain evaluate does, and its windows cover every row once.
    /// </summary>
    [Fact]
    public void Evaluate_OnlineCalibration_IsTheTrainersCalibrationOverTheRowsInOrder()
    {
        using var dir = new TempDirectory();
        var modelPath = dir.File("m.cpm");
        CliRunner.Ok("fit", "--data", IPinYou, "--format", "ipinyou", "--features", CliRunner.Spec("ipinyou"), "--holdout-fraction", "0.2", "--out", modelPath);
        var root = JsonDocument.Parse(CliRunner.Ok(
            "evaluate", "--model", modelPath, "--data", IPinYou, "--format", "ipinyou", "--holdout-fraction", "0.2", "--json",
            "--online-calibration", "--calibration-half-life", "3000", "--calibration-segments", "slotformat", "--calibration-window", "1000")).RootElement;
        var calibration = root.GetProperty("onlineCalibration");

        var model = ModelFile.Load(modelPath);
        var options = new LiveCalibrationOptions { HalfLifeExamples = 3000, SegmentFields = ["slotformat"] };
        var expected = new ProgressiveCalibration(model.Spec.Schema, options, (double)model.Info.TrainingData.Positives / model.Info.TrainingData.Rows, 1000);
        using (var reader = ExampleReader.Open(IPinYou, DataFormat.IPinYou))
        {
            var skip = model.Info.TrainingData.Rows;
            while (reader.Read())
            {
                if (reader.Count > skip)
                {
                    expected.Add(model.Predict(reader.Values), reader.Values, reader.Label, reader.Time?.ToUnixTimeMilliseconds() ?? reader.Count);
                }
            }
        }

        var result = expected.Result();
        Assert.Equal(result.Calibrated.LogLoss, calibration.GetProperty("calibrated").GetProperty("logLoss").GetDouble(), 12);
        Assert.Equal(result.Calibrated.Auc, calibration.GetProperty("calibrated").GetProperty("auc").GetDouble(), 12);
        Assert.Equal(result.RunningConstant.LogLoss, calibration.GetProperty("runningCtrConstant").GetProperty("logLoss").GetDouble(), 12);
        Assert.Equal(root.GetProperty("logLoss").GetDouble(), calibration.GetProperty("model").GetProperty("logLoss").GetDouble(), 12);
        Assert.Equal(result.TrainConstant.LogLoss, calibration.GetProperty("trainCtrConstant").GetProperty("logLoss").GetDouble(), 12);
        Assert.Equal("3000 examples", calibration.GetProperty("halfLife").GetString());
        Assert.NotEqual(0, calibration.GetProperty("segments").GetArrayLength());

        var windows = calibration.GetProperty("windows").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("rows").GetInt64(), windows.Sum(w => w.GetProperty("rows").GetInt64()));
        Assert.Equal(root.GetProperty("positives").GetInt64(), windows.Sum(w => w.GetProperty("clicks").GetInt64()));
        Assert.Equal(1000, windows[0].GetProperty("rows").GetInt64());
    }

    /// <summary>The trend flags reach the options (defaults: the trend on, no horizon); a negative horizon is refused by name.</summary>
    [Fact]
    public void Read_TrendFlags_SetTheTrendOptions()
    {
        var options = new OnlineCalibrationOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        var defaults = options.Read(command.Parse(["--online-calibration"]), FieldSchema.IPinYou)!;
        Assert.True(defaults.Trend);
        Assert.Equal(0, defaults.TrendHorizonSeconds);
        var set = options.Read(command.Parse(["--online-calibration", "--calibration-trend", "false", "--calibration-trend-horizon", "5.25"]), FieldSchema.IPinYou)!;
        Assert.False(set.Trend);
        Assert.Equal(5.25, set.TrendHorizonSeconds);
        Assert.Contains("--calibration-trend-horizon", command.Parse(["--online-calibration", "--calibration-trend-horizon", "-1"]).Errors.Select(e => e.Message).FirstOrDefault() ?? string.Empty, StringComparison.Ordinal);
        var refused = Assert.Throws<CliException>(() => options.Read(command.Parse(["--calibration-trend", "false"]), FieldSchema.IPinYou));
        Assert.Contains("--online-calibration", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The shrinkage-history flag reaches the options (default 10 half-lives; 0 turns it off); a negative one is refused by name, and without --online-calibration at all.</summary>
    [Fact]
    public void Read_ShrinkageHistoryFlag_SetsTheHistory()
    {
        var options = new OnlineCalibrationOptions();
        var command = new RootCommand();
        foreach (var option in options.All)
        {
            command.Options.Add(option);
        }

        Assert.Equal(10, options.Read(command.Parse(["--online-calibration"]), FieldSchema.IPinYou)!.ShrinkageHistoryHalfLives);
        Assert.Equal(0, options.Read(command.Parse(["--online-calibration", "--calibration-shrinkage-history", "0"]), FieldSchema.IPinYou)!.ShrinkageHistoryHalfLives);
        Assert.Contains("--calibration-shrinkage-history", command.Parse(["--online-calibration", "--calibration-shrinkage-history", "-1"]).Errors.Select(e => e.Message).FirstOrDefault() ?? string.Empty, StringComparison.Ordinal);
        var refused = Assert.Throws<CliException>(() => options.Read(command.Parse(["--calibration-shrinkage-history", "3"]), FieldSchema.IPinYou));
        Assert.Contains("--online-calibration", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TuningWithoutOnlineCalibration_IsRefused()
    {
        using var dir = new TempDirectory();
        var (exit, _, err) = CliRunner.Run("evaluate", "--model", dir.File("m.cpm"), "--data", IPinYou, "--format", "ipinyou", "--calibration-half-life", "100");
        Assert.NotEqual(0, exit);
        Assert.Contains("--online-calibration", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_OnlineCalibrationWithProgressive_IsRefused()
    {
        var spec = CliRunner.Spec("ipinyou");
        var (exit, _, err) = CliRunner.Run("backtest", "--data", IPinYou, "--format", "ipinyou", "--baseline", spec, "--candidate", spec, "--progressive", "--online-calibration");
        Assert.NotEqual(0, exit);
        Assert.Contains("--online-calibration", err, StringComparison.Ordinal);
    }

    /// <summary>Each spec of a back-test gets its calibration table, on the test rows of the split.</summary>
    [Fact]
    public void Backtest_OnlineCalibration_ReportsEachSpecOnTheTestRows()
    {
        var spec = CliRunner.Spec("ipinyou");
        var root = JsonDocument.Parse(CliRunner.Ok(
            "backtest", "--data", IPinYou, "--format", "ipinyou", "--baseline", spec, "--candidate", spec, "--json",
            "--online-calibration", "--bootstrap", "10", "--timing-ms", "5")).RootElement;
        var testRows = root.GetProperty("split").GetProperty("testRows").GetInt64();
        foreach (var outcome in root.GetProperty("specs").EnumerateArray())
        {
            var calibration = outcome.GetProperty("onlineCalibration");
            Assert.Equal(testRows, calibration.GetProperty("windows").EnumerateArray().Sum(w => w.GetProperty("rows").GetInt64()));
            Assert.Equal(outcome.GetProperty("metrics").GetProperty("logLoss").GetDouble(), calibration.GetProperty("model").GetProperty("logLoss").GetDouble(), 12);
            Assert.True(double.IsFinite(calibration.GetProperty("calibrated").GetProperty("logLoss").GetDouble()));
        }
    }
}
