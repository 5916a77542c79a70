using System.Globalization;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;

namespace ClickPredict.Core.Training;

/// <summary>How a round of an <see cref="OnlineTrainer"/> goes into a <see cref="ModelRegistry"/>, the same for the service and a replay.</summary>
public static class RegistryRounds
{
    /// <summary>
    /// Publishes the round's candidate as the champion, with the decision as its reason, and tells the
    /// trainer; returns the registry's entry. Throws what the registry throws (the trainer is not told then).
    /// </summary>
    public static RegistryEntry Publish(ModelRegistry registry, OnlineTrainer trainer, TrainerRound round, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(round);
        var candidate = round.Candidate ?? throw new ArgumentException("the round publishes nothing", nameof(round));
        var started = trainer.Meter.CpuSeconds();
        var entry = registry.Publish(candidate, $"{round.Decision.Reason}: {round.Decision.Details()}", makeChampion: true, time);
        var stored = candidate.WithInfo(candidate.Info with { Version = entry.Version, Parent = entry.Parent });
        trainer.Published(stored, trainer.Meter.CpuSeconds() - started);
        return entry;
    }

    /// <summary>
    /// Publishes a recalibrate-only round's calibration beside the champion, with the decision as its reason,
    /// and tells the trainer; returns its label (<c>ctr@7 calibration 3</c>). Throws what the registry throws.
    /// </summary>
    public static string PublishCalibration(ModelRegistry registry, OnlineTrainer trainer, TrainerRound round, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(round);
        var calibration = round.Calibration ?? throw new ArgumentException("the round publishes no calibration", nameof(round));
        var started = trainer.Meter.CpuSeconds();
        var (stored, _) = registry.PublishCalibration(calibration, $"{round.Decision.Reason}: {round.Decision.Details()}", time);
        trainer.CalibrationPublished(stored, trainer.Meter.CpuSeconds() - started);
        return string.Create(CultureInfo.InvariantCulture, $"{stored.Info.Model} calibration {stored.Info.Version}");
    }

    /// <summary>
    /// Keeps the decision beside the registry index (the last few), for status pages. Refused recalibrate-only rounds
    /// (every few seconds in a demo) are coalesced: a run of them for the same reason is one line with a count.
    /// </summary>
    public static void Record(ModelRegistry registry, RetrainDecision decision, string? label)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(decision);
        var refusedRecalibration = decision.Trigger == RetrainTrigger.Recalibrate && decision.Outcome != RetrainOutcome.Recalibrate;
        registry.RecordDecision(new RegistryDecision
        {
            AtUtc = decision.Time,
            Decision = decision.OutcomeName,
            Reasons = [decision.Reason, "trigger " + decision.TriggerName, decision.Details()],
            Label = label,
            CandidateLogLoss = double.IsFinite(decision.CandidateLogLoss) ? decision.CandidateLogLoss : null,
            ChampionLogLoss = double.IsFinite(decision.ChampionLogLoss) ? decision.ChampionLogLoss : null,
            NewExamples = decision.NewExamples,
        }, coalesce: refusedRecalibration);
    }

    /// <summary>What publishing costs without a registry: the model (or calibration) file written out (serialised, checksummed), charged to the trainer.</summary>
    public static void PublishInMemory(OnlineTrainer trainer, TrainerRound round)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(round);
        var started = trainer.Meter.CpuSeconds();
        if (round.Calibration is { } calibration)
        {
            _ = CalibrationFile.Serialize(calibration);
            trainer.CalibrationPublished(calibration, trainer.Meter.CpuSeconds() - started);
            return;
        }

        var candidate = round.Candidate ?? throw new ArgumentException("the round publishes nothing", nameof(round));
        _ = ModelFile.Serialize(candidate);
        trainer.Published(candidate, trainer.Meter.CpuSeconds() - started);
    }
}
