using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Training;
using ClickPredict.Trainer.Learning;

namespace ClickPredict.Trainer.Tests;

public sealed class LearnerCheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cp-learner-ckpt-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>The champion's live calibration goes into the checkpoint file and comes back as it was: sums, counts, segments and the offsets it observed.</summary>
    [Fact]
    public void SaveLoad_WithCalibration_RoundTripsTheCalibrationState()
    {
        var spec = FeatureSpec.Load(Path.Combine(LearnerTests.RepoRoot(), "config/features/default.json"));
        var options = new OnlineTrainerOptions { HoldoutExamples = 50, CheckIntervalMs = 0, CheckEveryExamples = 1_000_000, Calibration = new LiveCalibrationOptions { HalfLifeExamples = 100, SegmentFields = ["device.type"] } };
        var trainer = new OnlineTrainer(spec, options, new RetrainPolicyOptions { MinNewExamples = 1_000_000 });
        trainer.SetChampion(LogisticModel.CreateSparse(new ModelInfo { ModelId = "ctr", Version = 2 }, spec, -3, [1], [0.1f]));
        var values = new FieldValues(spec.Schema);
        values.Set(spec.Schema.GetField("device.type").Index, "4");
        for (var i = 0; i < 300; i++)
        {
            trainer.Observe(values, i % 20 == 0, 1_700_000_000_000 + i, 1, i);
        }

        var saved = trainer.Export();
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "learner.ckpt");
        LearnerCheckpoint.Save(saved, path);
        var loaded = LearnerCheckpoint.Load(path)!;

        var (before, after) = (saved.Calibration!, loaded.Calibration!);
        Assert.Equal((before.Model, before.Examples, before.Clicks, before.Count, before.Tick), (after.Model, after.Examples, after.Clicks, after.Count, after.Tick));
        Assert.Equal((before.DecayedClicks, before.Expected, before.Variance, before.Weight), (after.DecayedClicks, after.Expected, after.Variance, after.Weight));
        Assert.Equal((before.LossLive, before.LossServing, before.LossRaw), (after.LossLive, after.LossServing, after.LossRaw));
        Assert.Equal(before.Segments, after.Segments);
        Assert.Equal(300, loaded.CalibrationOffsets[1]);
    }
}
