using ClickPredict.Core.Calibration;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Simulation;
using ClickPredict.Core.Training;

namespace ClickPredict.Core.Tests.Training;

public class OnlineTrainerTests
{
    private static readonly FeatureSpec s_spec = FeatureSpec.Load(Path.Combine(TestData.RepoRoot, "config", "features", "default.json"));

    /// <summary>
    /// A trainer stopped half-way and restored from its exported state, fed again from the offsets the state
    /// covers (its held-back examples come back by replay), learns every example exactly once, in the same
    /// order, with the same negatives sampled out: the model is the uninterrupted trainer's to the bit.
    /// </summary>
    [Fact]
    public void Export_RestoredAndReplayedFromTheCoveredOffsets_LearnsTheSameModelToTheBit()
    {
        var stream = Stream(3000);
        var options = new OnlineTrainerOptions { HoldoutExamples = 200, NegativeSamplingRate = 0.5, CheckIntervalMs = 0, CheckEveryExamples = 250 };
        var policy = new RetrainPolicyOptions { MinNewExamples = 500, IntervalSeconds = 30 };

        var whole = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        Feed(whole, stream, 0);

        var first = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        Feed(first, stream[..1700], 0);
        var state = first.Export();
        Assert.Equal(1700 - 200, state.Offsets[0]);
        var second = new OnlineTrainer(s_spec, options, policy, state, TrainingMeter.Frozen);
        Feed(second, stream[(int)state.Offsets[0]..], (int)state.Offsets[0]);

        Assert.Equal(whole.Learned, second.Learned);
        Assert.Equal(whole.SampledOut, second.SampledOut);
        Assert.True(whole.SampledOut > 0);
        var created = DateTimeOffset.UnixEpoch;
        Assert.Equal(ModelFile.Serialize(whole.Model(created)), ModelFile.Serialize(second.Model(created)));
    }

    /// <summary>Without a policy and a holdout (a progressive back-test), each score is the learner's before it learns the example.</summary>
    [Fact]
    public void Observe_NoHoldoutNoPolicy_ScoresEachExampleBeforeLearningIt()
    {
        var trainer = new OnlineTrainer(s_spec, new OnlineTrainerOptions { HoldoutExamples = 0 }, policy: null);
        var learner = new ClickPredict.Core.Learning.FtrlLearner(s_spec);
        var hasher = new FeatureHasher(s_spec);
        var indices = new int[hasher.FeatureCount];
        foreach (var (values, clicked, time) in Stream(500))
        {
            hasher.Indices(values, indices);
            var expected = learner.Learn(indices, clicked);
            var score = trainer.Observe(values, clicked, time);
            Assert.Equal(expected, score.Learner);
            Assert.True(double.IsNaN(score.Champion));
        }

        Assert.Equal(500, trainer.Learned);
        Assert.False(trainer.CheckDue);
    }

    /// <summary>
    /// With calibration on, the trainer's calibrated score is exactly what a <see cref="LiveCalibration"/> fed the
    /// champion's scores gives (one code path), and a newly published champion starts the calibration afresh from
    /// the held-out examples, scored by it (their hashed indices only: the global shift, no segment values).
    /// </summary>
    [Fact]
    public void Observe_WithCalibration_CalibratesTheChampionScoreAndResetsOnPublish()
    {
        var calibrationOptions = new LiveCalibrationOptions { HalfLifeExamples = 300, SegmentFields = ["device.type"] };
        var options = new OnlineTrainerOptions { HoldoutExamples = 100, CheckIntervalMs = 0, CheckEveryExamples = 250, Calibration = calibrationOptions };
        var trainer = new OnlineTrainer(s_spec, options, new RetrainPolicyOptions { MinNewExamples = 200, IntervalSeconds = 1e6, MinImprovement = 0, MinWeightChange = 0 }, meter: TrainingMeter.Frozen);
        var reference = new LiveCalibration(s_spec.Schema, calibrationOptions);
        var published = 0;
        var seen = new List<(FieldValues Values, bool Clicked, long Time)>();
        foreach (var (values, clicked, time) in Stream(1500))
        {
            seen.Add((values, clicked, time));
            var score = trainer.Observe(values, clicked, time);
            if (double.IsNaN(score.Champion))
            {
                Assert.True(double.IsNaN(score.Calibrated));
            }
            else
            {
                Assert.Equal(reference.Observe(score.Champion, values, clicked, time), score.Calibrated);
            }

            if (trainer.CheckDue && trainer.Decide() is { Candidate: not null } round)
            {
                RegistryRounds.PublishInMemory(trainer, round);
                Assert.Equal(trainer.Held, trainer.Calibration!.Examples);
                reference.Reset();
                var none = new FieldValues(s_spec.Schema);
                foreach (var (heldValues, heldClicked, heldTime) in seen.TakeLast(trainer.Held))
                {
                    reference.Observe(round.Candidate.Predict(heldValues), none, heldClicked, heldTime);
                }

                Assert.Equal(reference.GlobalShift, trainer.Calibration.GlobalShift);
                published++;
            }
        }

        Assert.Equal(1, published);
        Assert.True(trainer.Calibration!.Examples > 1000);
    }

    /// <summary>
    /// The calibration goes into the checkpoint with the champion it calibrates: a restart that replays the held
    /// examples from the covered offsets does not observe them twice, and from there scores exactly as the trainer
    /// that never stopped. A restart under another champion starts its calibration afresh.
    /// </summary>
    [Fact]
    public void Export_WithCalibration_RestartGoesOnFromTheCheckpointedCalibration()
    {
        var options = new OnlineTrainerOptions { HoldoutExamples = 200, CheckIntervalMs = 0, CheckEveryExamples = 1_000_000, Calibration = new LiveCalibrationOptions { HalfLifeExamples = 300, SegmentFields = ["device.type"] } };
        var policy = new RetrainPolicyOptions { MinNewExamples = 1_000_000 };
        var champion = LogisticModel.CreateSparse(new ModelInfo { ModelId = "ctr", Version = 3 }, s_spec, -2.5, [1], [0.2f]);
        var stream = Stream(2500);
        var whole = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        whole.SetChampion(champion);
        var first = new OnlineTrainer(s_spec, options, policy, meter: TrainingMeter.Frozen);
        first.SetChampion(champion);
        for (var i = 0; i < 1500; i++)
        {
            whole.Observe(stream[i].Values, stream[i].Clicked, stream[i].TimeMs, 0, i);
            first.Observe(stream[i].Values, stream[i].Clicked, stream[i].TimeMs, 0, i);
        }

        var state = first.Export();
        Assert.Equal(("ctr@3", 1500L), (state.Calibration!.Model, state.Calibration.Examples));
        Assert.NotEmpty(state.Calibration.Segments);
        var second = new OnlineTrainer(s_spec, options, policy, state, TrainingMeter.Frozen);
        second.SetChampion(champion);
        Assert.Equal(first.Calibration!.GlobalShift, second.Calibration!.GlobalShift);
        for (var i = (int)state.Offsets[0]; i < stream.Length; i++)
        {
            var resumed = second.Observe(stream[i].Values, stream[i].Clicked, stream[i].TimeMs, 0, i);
            Assert.Equal(i < 1500 ? double.NaN : whole.Observe(stream[i].Values, stream[i].Clicked, stream[i].TimeMs, 0, i).Calibrated, resumed.Calibrated);
        }

        Assert.Equal(whole.Calibration!.Examples, second.Calibration.Examples);
        Assert.Equal(whole.Calibration.GlobalShift, second.Calibration.GlobalShift);

        var other = new OnlineTrainer(s_spec, options, policy, state, TrainingMeter.Frozen);
        other.SetChampion(champion.WithInfo(champion.Info with { Version = 4 }));
        Assert.Equal(0, other.Calibration!.Examples);
        other.Observe(stream[1300].Values, stream[1300].Clicked, stream[1300].TimeMs, 0, 1300);
        Assert.Equal(1, other.Calibration.Examples);
    }

    private static void Feed(OnlineTrainer trainer, (FieldValues Values, bool Clicked, long TimeMs)[] examples, int firstOffset)
    {
        for (var i = 0; i < examples.Length; i++)
        {
            trainer.Observe(examples[i].Values, examples[i].Clicked, examples[i].TimeMs, 0, firstOffset + i);
            if (trainer.CheckDue && trainer.Decide() is { Candidate: not null } round)
            {
                RegistryRounds.PublishInMemory(trainer, round);
            }
        }
    }

    internal static (FieldValues Values, bool Clicked, long TimeMs)[] Stream(int count)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 3, OutcomeSeed = 4 }));
        var stream = new (FieldValues, bool, long)[count];
        for (var i = 0; i < count; i++)
        {
            LabeledExample example = examples.Next();
            var values = new FieldValues(s_spec.Schema);
            foreach (var (name, value) in example.Fields)
            {
                if (s_spec.Schema.TryGetField(name, out var field))
                {
                    values.Set(field.Index, value);
                }
            }

            stream[i] = (values, example.Clicked, example.ImpressionTimeUnixMs);
        }

        return stream;
    }
}
