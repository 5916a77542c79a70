namespace ClickPredict.Core.Training;

/// <summary>
/// The retrain and publish policy, as pure functions of its settings and what the learner measured, so
/// the trainer service and <c>clickpredict retrain-sim</c> decide with the very same code.
/// </summary>
/// <remarks>
/// A decision is made in three steps:
/// <list type="number">
/// <item><see cref="Trigger"/>: is a round due? With no champion, once <c>MinNewExamples</c> are in;
/// otherwise when <c>IntervalSeconds</c> passed since the previous round, or early (at least
/// <c>EarlyMinSeconds</c> after it) when the champion's live log loss degraded past
/// <c>DegradationThreshold</c> or a key field drifted past <c>DriftPsiThreshold</c>.</item>
/// <item><see cref="PreCheck"/>, before any training cost is paid: skip with
/// <see cref="RetrainReason.TooFewExamples"/> below <c>MinNewExamples</c>, or with
/// <see cref="RetrainReason.OverBudget"/> when the trailing hour's round cost plus the expected cost of
/// this round exceeds <c>CpuBudgetSecondsPerHour</c>.</item>
/// <item><see cref="Judge"/>, once the candidate is formed and scored with the champion on the holdout:
/// publish when there is no champion; skip with <see cref="RetrainReason.WeightsUnchanged"/> when the
/// weights moved less than <c>MinWeightChange</c>; publish when the candidate's log loss is below the
/// champion's by <c>MinImprovement</c> (scheduled rounds) or at all (early rounds: degradation or
/// drift publish any candidate not worse than the champion); else skip with
/// <see cref="RetrainReason.NoImprovement"/>.</item>
/// </list>
/// Every round, whatever its outcome, restarts the interval, so a skipped round is retried one interval
/// later (or earlier by an early trigger).
/// <para>Between retrains, when no retrain round is due, "recalibrate only" is the policy's cheap action:
/// <see cref="RecalibrationDue"/> once <c>RecalibrateIntervalSeconds</c> passed since the last calibration
/// or model publish, then <see cref="JudgeCalibration"/>, the gate: publish the live calibration only when
/// its recent progressive log loss is below the serving calibration's by <c>RecalibrateMinImprovement</c>.
/// Its cost (a snapshot and a file of a few hundred bytes) is charged to the same hourly budget.</para>
/// </remarks>
public static class RetrainPolicy
{
    /// <summary>What the scheduler knows when it asks whether a round is due.</summary>
    /// <param name="Now">The policy clock.</param>
    /// <param name="LastRoundAt">When the previous round was decided; null before the first.</param>
    /// <param name="HasChampion">Whether a champion serves.</param>
    /// <param name="ExamplesSincePublish">Examples learned since the last publish (or since start).</param>
    /// <param name="Degradation">Champion's live loss over the learner's on the recent window, minus 1; NaN when the window is too small.</param>
    /// <param name="Psi">Largest population stability index of the drift fields; NaN when not measurable yet.</param>
    /// <param name="CpuLastHour">CPU seconds rounds spent in the trailing hour.</param>
    /// <param name="ExpectedRoundCpu">CPU seconds the next round is expected to take (the last round's).</param>
    public readonly record struct Situation(
        DateTimeOffset Now,
        DateTimeOffset? LastRoundAt,
        bool HasChampion,
        long ExamplesSincePublish,
        double Degradation,
        double Psi,
        double CpuLastHour,
        double ExpectedRoundCpu);

    /// <summary>Whether a round is due now, and why.</summary>
    public static RetrainTrigger Trigger(RetrainPolicyOptions options, in Situation situation)
    {
        ArgumentNullException.ThrowIfNull(options);
        var since = situation.LastRoundAt is { } last ? (situation.Now - last).TotalSeconds : double.PositiveInfinity;
        if (!situation.HasChampion)
        {
            // The first model: as soon as there is enough data, without waiting for the interval.
            return situation.ExamplesSincePublish >= options.MinNewExamples && since >= options.EarlyMinSeconds
                ? RetrainTrigger.NoChampion
                : RetrainTrigger.None;
        }

        if (since >= options.IntervalSeconds)
        {
            return RetrainTrigger.Interval;
        }

        if (since < options.EarlyMinSeconds)
        {
            return RetrainTrigger.None;
        }

        if (options.DegradationThreshold > 0 && situation.Degradation > options.DegradationThreshold)
        {
            return RetrainTrigger.Degradation;
        }

        if (options.DriftPsiThreshold > 0 && situation.Psi > options.DriftPsiThreshold)
        {
            return RetrainTrigger.Drift;
        }

        return RetrainTrigger.None;
    }

    /// <summary>Whether a recalibrate-only round is due at <paramref name="now"/>: a champion serves and the interval passed since <paramref name="lastCalibrationAt"/> (the last calibration or model publish; null: never).</summary>
    public static bool RecalibrationDue(RetrainPolicyOptions options, DateTimeOffset now, bool hasChampion, DateTimeOffset? lastCalibrationAt)
    {
        ArgumentNullException.ThrowIfNull(options);
        return hasChampion && options.RecalibrateIntervalSeconds > 0
            && (lastCalibrationAt is not { } last || (now - last).TotalSeconds >= options.RecalibrateIntervalSeconds);
    }

    /// <summary>
    /// The gate of a recalibration: publish (<see cref="RetrainOutcome.Recalibrate"/>) when the calibration learned
    /// from at least <c>RecalibrateMinExamples</c> and its recent log loss <paramref name="liveLogLoss"/> is below the
    /// serving calibration's <paramref name="servingLogLoss"/> (same examples) by the margin; else skip, saying why.
    /// </summary>
    public static (RetrainOutcome Outcome, string Reason) JudgeCalibration(RetrainPolicyOptions options, long examples, double liveLogLoss, double servingLogLoss, double cpuLastHour, double expectedCpu)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (examples < options.RecalibrateMinExamples)
        {
            return (RetrainOutcome.Skip, RetrainReason.TooFewCalibrationExamples);
        }

        if (options.CpuBudgetSecondsPerHour > 0 && cpuLastHour + expectedCpu > options.CpuBudgetSecondsPerHour)
        {
            return (RetrainOutcome.Skip, RetrainReason.OverBudget);
        }

        return double.IsFinite(liveLogLoss) && double.IsFinite(servingLogLoss) && liveLogLoss <= servingLogLoss * (1 - options.RecalibrateMinImprovement)
            ? (RetrainOutcome.Recalibrate, RetrainReason.Recalibrated)
            : (RetrainOutcome.Skip, RetrainReason.CalibrationNoBetter);
    }

    /// <summary>The reason to skip a due round before training a candidate, or null to go on.</summary>
    public static string? PreCheck(RetrainPolicyOptions options, in Situation situation)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (situation.ExamplesSincePublish < options.MinNewExamples)
        {
            return RetrainReason.TooFewExamples;
        }

        if (options.CpuBudgetSecondsPerHour > 0 && situation.CpuLastHour + situation.ExpectedRoundCpu > options.CpuBudgetSecondsPerHour)
        {
            return RetrainReason.OverBudget;
        }

        return null;
    }

    /// <summary>
    /// Publish or skip a scored candidate.
    /// </summary>
    /// <param name="options">The policy.</param>
    /// <param name="trigger">What started the round.</param>
    /// <param name="candidateLogLoss">The candidate's holdout log loss.</param>
    /// <param name="championLogLoss">The champion's on the same holdout; NaN when there is no champion.</param>
    /// <param name="weightChange">Relative weight change since the last publish; NaN when nothing was published yet.</param>
    public static (RetrainOutcome Outcome, string Reason) Judge(
        RetrainPolicyOptions options, RetrainTrigger trigger, double candidateLogLoss, double championLogLoss, double weightChange)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!double.IsFinite(candidateLogLoss))
        {
            return (RetrainOutcome.Skip, RetrainReason.NoCandidate);
        }

        if (double.IsNaN(championLogLoss))
        {
            return (RetrainOutcome.Publish, RetrainReason.NoChampion);
        }

        if (options.MinWeightChange > 0 && weightChange < options.MinWeightChange)
        {
            return (RetrainOutcome.Skip, RetrainReason.WeightsUnchanged);
        }

        var early = trigger is RetrainTrigger.Degradation or RetrainTrigger.Drift;
        var margin = early ? 0 : options.MinImprovement;
        var beats = early ? candidateLogLoss <= championLogLoss : candidateLogLoss <= championLogLoss * (1 - margin);
        if (!beats)
        {
            return (RetrainOutcome.Skip, RetrainReason.NoImprovement);
        }

        return (RetrainOutcome.Publish, trigger switch
        {
            RetrainTrigger.Degradation => RetrainReason.Degraded,
            RetrainTrigger.Drift => RetrainReason.Drifted,
            _ => RetrainReason.Improved,
        });
    }
}
