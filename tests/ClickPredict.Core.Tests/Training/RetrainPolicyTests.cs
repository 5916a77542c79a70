using ClickPredict.Core.Training;

namespace ClickPredict.Core.Tests.Training;

public class RetrainPolicyTests
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private static RetrainPolicy.Situation At(double secondsSinceRound, bool champion = true, long examples = 50_000, double degradation = double.NaN, double psi = double.NaN, double cpu = 0, double expected = 0) =>
        new(s_now, s_now.AddSeconds(-secondsSinceRound), champion, examples, degradation, psi, cpu, expected);

    [Fact]
    public void Trigger_IntervalPassed_IsInterval() =>
        Assert.Equal(RetrainTrigger.Interval, RetrainPolicy.Trigger(new RetrainPolicyOptions { IntervalSeconds = 600 }, At(600)));

    [Fact]
    public void Trigger_BeforeInterval_IsNone() =>
        Assert.Equal(RetrainTrigger.None, RetrainPolicy.Trigger(new RetrainPolicyOptions { IntervalSeconds = 600 }, At(599)));

    [Fact]
    public void Trigger_DegradedPastThreshold_IsDegradationAfterEarlyMinimum()
    {
        var options = new RetrainPolicyOptions { IntervalSeconds = 3600, DegradationThreshold = 0.01, EarlyMinSeconds = 60 };
        Assert.Equal(RetrainTrigger.Degradation, RetrainPolicy.Trigger(options, At(61, degradation: 0.02)));
        Assert.Equal(RetrainTrigger.None, RetrainPolicy.Trigger(options, At(59, degradation: 0.02)));
        Assert.Equal(RetrainTrigger.None, RetrainPolicy.Trigger(options, At(61, degradation: 0.005)));
        Assert.Equal(RetrainTrigger.None, RetrainPolicy.Trigger(options.With(o => o.DegradationThreshold = 0), At(61, degradation: 0.5)));
    }

    [Fact]
    public void Trigger_DriftPastThreshold_IsDrift()
    {
        var options = new RetrainPolicyOptions { IntervalSeconds = 3600, DriftPsiThreshold = 0.2, EarlyMinSeconds = 0 };
        Assert.Equal(RetrainTrigger.Drift, RetrainPolicy.Trigger(options, At(1, psi: 0.3)));
        Assert.Equal(RetrainTrigger.None, RetrainPolicy.Trigger(options, At(1, psi: 0.1)));
    }

    [Fact]
    public void Trigger_NoChampion_WaitsForEnoughExamples()
    {
        var options = new RetrainPolicyOptions { MinNewExamples = 1000, EarlyMinSeconds = 0 };
        Assert.Equal(RetrainTrigger.NoChampion, RetrainPolicy.Trigger(options, At(0, champion: false, examples: 1000)));
        Assert.Equal(RetrainTrigger.None, RetrainPolicy.Trigger(options, At(0, champion: false, examples: 999)));
    }

    [Fact]
    public void PreCheck_TooFewExamplesOrOverBudget_Skips()
    {
        var options = new RetrainPolicyOptions { MinNewExamples = 1000, CpuBudgetSecondsPerHour = 10 };
        Assert.Equal(RetrainReason.TooFewExamples, RetrainPolicy.PreCheck(options, At(0, examples: 10)));
        Assert.Equal(RetrainReason.OverBudget, RetrainPolicy.PreCheck(options, At(0, cpu: 9, expected: 2)));
        Assert.Null(RetrainPolicy.PreCheck(options, At(0, cpu: 7, expected: 2)));
        Assert.Null(RetrainPolicy.PreCheck(options.With(o => o.CpuBudgetSecondsPerHour = 0), At(0, cpu: 1e9, expected: 2)));
    }

    [Theory]
    [InlineData(RetrainTrigger.Interval, 0.100, 0.1004, 0.1, RetrainOutcome.Skip, RetrainReason.NoImprovement)]
    [InlineData(RetrainTrigger.Interval, 0.100, 0.110, 0.1, RetrainOutcome.Publish, RetrainReason.Improved)]
    [InlineData(RetrainTrigger.Interval, 0.100, 0.110, 0.001, RetrainOutcome.Skip, RetrainReason.WeightsUnchanged)]
    [InlineData(RetrainTrigger.Degradation, 0.100, 0.1001, 0.1, RetrainOutcome.Publish, RetrainReason.Degraded)]
    [InlineData(RetrainTrigger.Drift, 0.100, 0.1, 0.1, RetrainOutcome.Publish, RetrainReason.Drifted)]
    [InlineData(RetrainTrigger.Drift, 0.101, 0.1, 0.1, RetrainOutcome.Skip, RetrainReason.NoImprovement)]
    [InlineData(RetrainTrigger.NoChampion, 0.100, double.NaN, double.NaN, RetrainOutcome.Publish, RetrainReason.NoChampion)]
    [InlineData(RetrainTrigger.Interval, double.NaN, 0.1, 0.1, RetrainOutcome.Skip, RetrainReason.NoCandidate)]
    public void Judge_Cases(RetrainTrigger trigger, double candidate, double champion, double weightChange, RetrainOutcome outcome, string reason)
    {
        var options = new RetrainPolicyOptions { MinImprovement = 0.005, MinWeightChange = 0.01 };
        Assert.Equal((outcome, reason), RetrainPolicy.Judge(options, trigger, candidate, champion, weightChange));
    }

    [Fact]
    public void Validate_BadValues_NameTheirKeys()
    {
        var failures = new RetrainPolicyOptions { IntervalSeconds = -1, MinImprovement = 2, DriftFields = ["geo.country", "nope"] }
            .Validate("RetrainPolicy", ["geo.country"]);
        Assert.Contains(failures, f => f.StartsWith("RetrainPolicy:IntervalSeconds", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("RetrainPolicy:MinImprovement", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("RetrainPolicy:DriftFields:1", StringComparison.Ordinal));
        Assert.Empty(new RetrainPolicyOptions().Validate());
    }
}

internal static class OptionsCopy
{
    /// <summary>A changed copy, for readable cases.</summary>
    public static RetrainPolicyOptions With(this RetrainPolicyOptions options, Action<RetrainPolicyOptions> change)
    {
        var copy = options.Clone();
        change(copy);
        return copy;
    }
}
