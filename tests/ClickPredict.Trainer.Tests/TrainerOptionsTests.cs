using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Tests;

/// <summary>A bad configuration value stops start-up with a message that names its key.</summary>
public class TrainerOptionsTests
{
    [Theory]
    [InlineData("Trainer:Joiner:AttributionWindowSeconds", "-1")]
    [InlineData("Trainer:Joiner:BidWaitSeconds", "0")]
    [InlineData("Trainer:Joiner:CheckpointIntervalMs", "1")]
    [InlineData("Trainer:Joiner:GroupId", " ")]
    [InlineData("Trainer:Joiner:Consumers", "0")]
    [InlineData("Trainer:Joiner:Consumers", "65")]
    [InlineData("Trainer:Learner:Alpha", "0")]
    [InlineData("Trainer:Learner:Lambda1", "-2")]
    [InlineData("Trainer:Learner:NegativeSamplingRate", "1.5")]
    [InlineData("Trainer:Learner:HoldoutExamples", "-1")]
    [InlineData("Trainer:ModelId", "bad id")]
    [InlineData("Trainer:FeatureSpecPath", "config/features/does-not-exist.json")]
    [InlineData("Trainer:FeatureSpecPath", "config/features/criteo.json")]
    [InlineData("Registry:Retain", "0")]
    [InlineData("RetrainPolicy:IntervalSeconds", "0")]
    [InlineData("RetrainPolicy:MinImprovement", "1")]
    [InlineData("RetrainPolicy:MinNewExamples", "-5")]
    [InlineData("RetrainPolicy:DegradationThreshold", "-0.1")]
    [InlineData("RetrainPolicy:CpuBudgetSecondsPerHour", "-1")]
    [InlineData("RetrainPolicy:MinWindowExamples", "0")]
    [InlineData("RetrainPolicy:DriftFields:0", "no.such.field")]
    public async Task Start_BadValue_FailsNamingTheKey(string key, string value)
    {
        using var directory = TestSupport.Directory();
        var settings = Settings(directory.Path);
        settings[key] = value;
        await using var app = TrainerHost.Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Trainer:Learner:Calibration:HalfLifeExamples", "-1")]
    [InlineData("Trainer:Learner:Calibration:PriorClicks", "0")]
    [InlineData("Trainer:Learner:Calibration:MaxShift", "0")]
    [InlineData("Trainer:Learner:Calibration:ShrinkageHistoryHalfLives", "-1")]
    [InlineData("Trainer:Learner:Calibration:ShrinkageHistoryHalfLives", "5000")]
    [InlineData("Trainer:Learner:Calibration:MaxSegments", "0")]
    [InlineData("Trainer:Learner:Calibration:SegmentFields:0", "no.such.field")]
    [InlineData("Trainer:Learner:Calibration:SegmentFields:0", "creative.id")]
    [InlineData("RetrainPolicy:RecalibrateIntervalSeconds", "-1")]
    [InlineData("RetrainPolicy:RecalibrateMinImprovement", "1")]
    [InlineData("RetrainPolicy:RecalibrateMinExamples", "-1")]
    public async Task Start_BadCalibrationValue_FailsNamingTheKey(string key, string value)
    {
        using var directory = TestSupport.Directory();
        var settings = Settings(directory.Path);
        settings["Trainer:Learner:Calibration:Enabled"] = "true";
        settings[key] = value;
        await using var app = TrainerHost.Build(settings);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Trainer:Joiner:AttributionWindow", "AttributionWindow")]
    [InlineData("RetrainPolicy:Interval", "Interval")]
    [InlineData("Registry:Retention", "Retention")]
    public async Task Start_UnknownKey_FailsNamingIt(string key, string name)
    {
        using var directory = TestSupport.Directory();
        var settings = Settings(directory.Path);
        settings[key] = "5";
        await using var app = TrainerHost.Build(settings);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(string directory) => new(StringComparer.Ordinal)
    {
        // Never reached: validation stops start-up first.
        ["Kafka:BootstrapServers"] = "127.0.0.1:9",
        ["Kafka:CreateTopics"] = "false",
        ["Trainer:StateDirectory"] = Path.Combine(directory, "state"),
        ["Registry:Path"] = Path.Combine(directory, "registry"),
    };
}
