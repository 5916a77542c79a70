using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Tests.Training;
using ClickPredict.Core.Training;

namespace ClickPredict.Core.Tests.Calibration;

public sealed class CalibrationPublishTests : IDisposable
{
    private static readonly FeatureSpec s_spec = FeatureSpec.Load(Path.Combine(TestData.RepoRoot, "config", "features", "default.json"));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cp-calibration-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Serialize_RoundTrips_AndEveryCorruptByteIsRefused()
    {
        var shift = new CalibrationShift(s_spec.Schema, -0.7, [new CalibrationSegment("exchange", "x1", 0.2)], 3, new CalibrationInfo { Model = "ctr@2", Version = 4, Examples = 900 });
        var bytes = CalibrationFile.Serialize(shift);
        var back = CalibrationFile.Deserialize(bytes);
        Assert.Equal(-0.7, back.Global);
        Assert.Equal(shift.Segments, back.Segments);
        Assert.Equal(("ctr@2", 4, 900L), (back.Info.Model, back.Info.Version, back.Info.Examples));
        for (var i = 0; i < bytes.Length; i++)
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= 0x40;
            Assert.Throws<ModelFormatException>(() => CalibrationFile.Deserialize(corrupt));
        }

        Assert.Throws<ModelFormatException>(() => CalibrationFile.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Fact]
    public void PublishCalibration_ForTheChampion_NumbersItAndKeepsItsLineage_ANewModelStartsWithout()
    {
        var registry = new ModelRegistry(_dir);
        var model = registry.Publish(LogisticModel.CreateSparse(new ModelInfo { ModelId = "ctr" }, s_spec, -3, [1], [0.5f]), "first");
        var shift = new CalibrationShift(s_spec.Schema, -0.5, [], 3, new CalibrationInfo { Model = model.Label, RecentLogLoss = 0.1, ServingLogLoss = 0.2 });
        var (first, _) = registry.PublishCalibration(shift, "recalibrated: ...");
        var (second, entry) = registry.PublishCalibration(shift, "recalibrated: again");
        Assert.Equal((1, 2), (first.Info.Version, second.Info.Version));
        Assert.Equal(entry, registry.ReadIndex().ChampionEntry!.Calibration);
        Assert.Equal(0.1, entry.RecentLogLoss);
        Assert.Equal("recalibrated: again", entry.Reason);
        Assert.Equal(2, registry.LoadCalibration(registry.ReadIndex().ChampionEntry!)!.Info.Version);

        Assert.Throws<RegistryException>(() => registry.PublishCalibration(new CalibrationShift(s_spec.Schema, 0, [], 3, new CalibrationInfo { Model = "ctr@9" }), null));
        registry.Publish(LogisticModel.CreateSparse(new ModelInfo { ModelId = "ctr" }, s_spec, -3, [1], [0.6f]), "second");
        Assert.Null(registry.ReadIndex().ChampionEntry!.Calibration);
    }

    /// <summary>
    /// The trainer's champion keeps predicting the old rate after clicks drop fourfold; with no retrain due, the
    /// policy recalibrates only: the live calibration is published beside the champion, with a negative shift,
    /// and the decision log says "recalibrate" and why.
    /// </summary>
    [Fact]
    public void Decide_BaseRateDropsBetweenRetrains_RecalibratesOnlyAndPublishesBesideTheChampion()
    {
        var registry = new ModelRegistry(_dir);
        var (trainer, decisions) = Run(registry, minImprovement: 0);
        var recalibrations = decisions.Where(d => d.Trigger == RetrainTrigger.Recalibrate).ToList();
        Assert.NotEmpty(recalibrations);
        Assert.Contains(recalibrations, d => d is { Outcome: RetrainOutcome.Recalibrate, Reason: RetrainReason.Recalibrated });
        Assert.Equal(1, decisions.Count(d => d.Published));
        var entry = registry.ReadIndex().ChampionEntry!;
        Assert.NotNull(entry.Calibration);
        Assert.True(entry.Calibration.GlobalShift < -0.3, $"shift {entry.Calibration.GlobalShift}");
        Assert.Equal(trainer.Scheduler!.Recalibrations, entry.Calibration.Version);
        Assert.Equal(entry.Label, trainer.Calibration!.Serving.Info.Model);
        var logged = registry.ReadDecisions().Where(d => d.Decision == "recalibrate").ToList();
        Assert.NotEmpty(logged);
        Assert.Contains(logged, d => d.Reasons.Contains("trigger recalibrate") && d.Label == $"{entry.Label} calibration 1");
        Assert.True(trainer.Scheduler.RecalibrationCpuSeconds >= 0);
    }

    /// <summary>
    /// The shipped default file serves (nothing published yet): the trainer calibrates it too, and its recalibrations
    /// go into the index's default calibration, named by the file's label and checksum, numbered per file; once a
    /// model is published, the default's calibration is refused (the champion is in the registry now).
    /// </summary>
    [Fact]
    public void Decide_DefaultFileServes_ItsCalibrationIsPublishedNamedByTheFilesChecksum()
    {
        var registry = new ModelRegistry(_dir);
        var path = Path.Combine(_dir, "default.cpm");
        Directory.CreateDirectory(_dir);
        ModelFile.Save(LogisticModel.CreateSparse(new ModelInfo { ModelId = "ctr-default", Version = 1 }, s_spec, -3.2, [1], [0.1f]), path);
        var checksum = ModelFile.ReadChecksum(path);
        Assert.Matches("^[0-9a-f]{16}$", checksum);
        var policy = new RetrainPolicyOptions { MinNewExamples = 1_000_000, IntervalSeconds = 1e9, DegradationThreshold = 0, DriftPsiThreshold = 0, RecalibrateIntervalSeconds = 10, RecalibrateMinExamples = 500 };
        var options = new OnlineTrainerOptions { HoldoutExamples = 200, CheckIntervalMs = 0, CheckEveryExamples = 250, Calibration = new LiveCalibrationOptions { HalfLifeExamples = 1000 } };
        var trainer = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        trainer.SetChampion(ModelFile.Load(path), calibratable: true, modelChecksum: checksum);
        var random = new Random(9);
        var published = 0;
        foreach (var (values, clicked, time) in OnlineTrainerTests.Stream(6000))
        {
            // The default model predicts about 4%; a tenth of its clicks happen.
            trainer.Observe(values, clicked && random.NextDouble() < 0.1, time);
            if (trainer.CheckDue && trainer.Decide() is { Calibration: not null } round)
            {
                Assert.Equal(checksum, round.Calibration.Info.ModelChecksum);
                RegistryRounds.PublishCalibration(registry, trainer, round);
                published++;
            }
        }

        Assert.True(published >= 1, "no recalibration was published");
        var entry = registry.ReadIndex().DefaultCalibration!;
        Assert.Equal(("ctr-default@1", checksum, published), (entry.Model, entry.ModelChecksum, entry.Calibration.Version));
        Assert.True(entry.Calibration.GlobalShift < 0, $"shift {entry.Calibration.GlobalShift}");
        Assert.Equal(published, registry.LoadDefaultCalibration("ctr-default@1", checksum)!.Info.Version);
        Assert.Null(registry.LoadDefaultCalibration("ctr-default@1", "0123456789abcdef"));

        var other = new CalibrationShift(s_spec.Schema, 0.1, [], 3, new CalibrationInfo { Model = "ctr-default@1", ModelChecksum = "0123456789abcdef" });
        Assert.Equal(1, registry.PublishCalibration(other, null).Stored.Info.Version);
        Assert.Throws<RegistryException>(() => registry.PublishCalibration(new CalibrationShift(s_spec.Schema, 0, [], 3, new CalibrationInfo { Model = "ctr-default@1", ModelChecksum = "../../escape" }), null));
        registry.Publish(LogisticModel.CreateSparse(new ModelInfo { ModelId = "ctr" }, s_spec, -3, [1], [0.5f]), "first");
        Assert.Throws<RegistryException>(() => registry.PublishCalibration(other, null));
    }

    /// <summary>
    /// The rate drops just before a retrain: the candidate learned the old rate and over-predicts on the held-out
    /// examples (the most recent, which it did not learn). Its calibration starts from them when it is published:
    /// it has already seen every held example and shifts down, before any example arrives after the publish.
    /// </summary>
    [Fact]
    public void Published_NewChampion_StartsItsCalibrationFromTheHeldOutExamples()
    {
        var options = new OnlineTrainerOptions { HoldoutExamples = 600, CheckIntervalMs = 0, CheckEveryExamples = 100, Calibration = new LiveCalibrationOptions { HalfLifeExamples = 1000 } };
        var policy = new RetrainPolicyOptions { MinNewExamples = 3000, IntervalSeconds = 1, DegradationThreshold = 0, DriftPsiThreshold = 0, MinWeightChange = 0 };
        var trainer = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        var random = new Random(21);
        var stream = OnlineTrainerTests.Stream(3000);
        LogisticModel? published = null;
        for (var i = 0; i < stream.Length && published is null; i++)
        {
            var (values, clicked, time) = stream[i];
            // From example 2400 on (the last 600, all held out at the round) a tenth of the clicks happen.
            trainer.Observe(values, clicked && (i < 2400 || random.NextDouble() < 0.1), time, 0, i);
            if (trainer.CheckDue && trainer.Decide() is { Candidate: { } candidate } round)
            {
                RegistryRounds.PublishInMemory(trainer, round);
                published = candidate;
            }
        }

        Assert.NotNull(published);
        var calibration = trainer.Calibration!;
        Assert.Equal(trainer.Held, calibration.Examples);
        Assert.True(calibration.ObservedOverPredicted < 0.5, $"observed over predicted {calibration.ObservedOverPredicted}");
        Assert.True(calibration.GlobalShift < -0.5, $"shift {calibration.GlobalShift}");
        Assert.Equal(0, calibration.Serving.Global);
    }

    /// <summary>A gate nothing passes (the calibration must be 90% better than the one serving): every recalibration is refused and none is published.</summary>
    [Fact]
    public void Decide_CalibrationFailsItsGate_IsRefusedAndNothingIsPublished()
    {
        var registry = new ModelRegistry(_dir);
        var (trainer, decisions) = Run(registry, minImprovement: 0.9);
        var recalibrations = decisions.Where(d => d.Trigger == RetrainTrigger.Recalibrate).ToList();
        Assert.NotEmpty(recalibrations);
        Assert.All(recalibrations, d => Assert.Equal((RetrainOutcome.Skip, RetrainReason.CalibrationNoBetter), (d.Outcome, d.Reason)));
        Assert.All(recalibrations, d => Assert.True(d.CalibrationLogLoss > d.ServingCalibrationLogLoss * 0.1));
        Assert.Null(registry.ReadIndex().ChampionEntry!.Calibration);
        Assert.Equal(0, trainer.Scheduler!.Recalibrations);
        Assert.Equal(0, trainer.Calibration!.Serving.Global);

        // The decision log keeps each run of refusals as one line with a count: every refusal is accounted for, in fewer lines.
        var logged = registry.ReadDecisions().Where(d => d.Reasons.Contains("trigger recalibrate")).ToList();
        Assert.Equal(recalibrations.Count, logged.Sum(d => d.Repeats + 1));
        Assert.True(logged.Count < recalibrations.Count, $"{logged.Count} lines for {recalibrations.Count} refusals");
    }

    [Theory]
    [InlineData(500, 0.1, 0.2, RetrainOutcome.Recalibrate, RetrainReason.Recalibrated)]
    [InlineData(500, 0.2, 0.2, RetrainOutcome.Recalibrate, RetrainReason.Recalibrated)]
    [InlineData(500, 0.21, 0.2, RetrainOutcome.Skip, RetrainReason.CalibrationNoBetter)]
    [InlineData(500, double.NaN, 0.2, RetrainOutcome.Skip, RetrainReason.CalibrationNoBetter)]
    [InlineData(10, 0.1, 0.2, RetrainOutcome.Skip, RetrainReason.TooFewCalibrationExamples)]
    public void JudgeCalibration_GatesOnRecentLogLoss(long examples, double live, double serving, RetrainOutcome outcome, string reason)
    {
        var options = new RetrainPolicyOptions { RecalibrateMinExamples = 100 };
        Assert.Equal((outcome, reason), RetrainPolicy.JudgeCalibration(options, examples, live, serving, 0, 0));
    }

    private static (OnlineTrainer Trainer, List<RetrainDecision> Decisions) Run(ModelRegistry registry, double minImprovement)
    {
        var options = new OnlineTrainerOptions
        {
            HoldoutExamples = 200,
            CheckIntervalMs = 0,
            CheckEveryExamples = 250,
            Calibration = new LiveCalibrationOptions { HalfLifeExamples = 1000 },
        };
        var policy = new RetrainPolicyOptions
        {
            MinNewExamples = 1000,
            IntervalSeconds = 1e9,
            DegradationThreshold = 0,
            DriftPsiThreshold = 0,
            RecalibrateIntervalSeconds = 10,
            RecalibrateMinExamples = 500,
            RecalibrateMinImprovement = minImprovement,
        };
        var trainer = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        var decisions = new List<RetrainDecision>();
        var random = new Random(5);
        var stream = OnlineTrainerTests.Stream(8000);
        for (var i = 0; i < stream.Length; i++)
        {
            var (values, clicked, time) = stream[i];
            // After the first model, three clicks in four are lost: the rate drops fourfold.
            trainer.Observe(values, clicked && (i < 1500 || random.NextDouble() < 0.25), time, 0, i);
            if (trainer.CheckDue && trainer.Decide() is { } round)
            {
                decisions.Add(round.Decision);
                string? label = null;
                if (round.Calibration is not null)
                {
                    label = RegistryRounds.PublishCalibration(registry, trainer, round);
                }
                else if (round.Candidate is not null)
                {
                    label = RegistryRounds.Publish(registry, trainer, round).Label;
                }

                RegistryRounds.Record(registry, round.Decision, label);
            }
        }

        return (trainer, decisions);
    }
}
