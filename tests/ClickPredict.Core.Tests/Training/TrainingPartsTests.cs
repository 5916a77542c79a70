using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using ClickPredict.Core.Simulation;
using ClickPredict.Core.Training;

namespace ClickPredict.Core.Tests.Training;

public class TrainingPartsTests
{
    [Fact]
    public void DriftMonitor_SameDistribution_SmallPsi_ShiftedDistribution_LargePsi()
    {
        var monitor = new DriftMonitor(FieldSchema.OpenRtb, ["geo.country", "not.a.field"], 2000);
        var values = new FieldValues(FieldSchema.OpenRtb);
        var country = FieldSchema.OpenRtb.GetField("geo.country").Index;
        string[] before = ["USA", "GBR", "DEU", "FRA"], after = ["JPN", "BRA", "IND", "MEX"];
        for (var i = 0; i < 2000; i++)
        {
            values.Set(country, before[i % 4]);
            monitor.Observe(values);
        }

        Assert.Equal(["geo.country"], monitor.Fields);
        Assert.True(double.IsNaN(monitor.MaxPsi().Psi));
        monitor.Freeze();
        for (var i = 0; i < 2000; i++)
        {
            values.Set(country, before[(i + 1) % 4]);
            monitor.Observe(values);
        }

        Assert.True(monitor.MaxPsi().Psi < 0.01);
        for (var i = 0; i < 2000; i++)
        {
            values.Set(country, after[i % 4]);
            monitor.Observe(values);
        }

        var (psi, field) = monitor.MaxPsi();
        Assert.True(psi > 1, $"psi {psi}");
        Assert.Equal("geo.country", field);
    }

    [Fact]
    public void HoldoutBuffer_ReleasesOldestFirst_AndKnowsLowestOffsets()
    {
        var buffer = new HoldoutBuffer(2, 3);
        var released = new HoldoutBuffer.ReleasedEntry(new int[2], false, 0, 0, 0);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(buffer.Push([i, i + 1], i % 2 == 0, i, i % 2, 100 + i, 0.5, ref released));
        }

        Assert.True(buffer.Push([9, 9], true, 3, 1, 103, 0.5, ref released));
        Assert.Equal([0, 1], released.Indices);
        Assert.Equal(100, released.Offset);
        var lowest = new Dictionary<int, long>();
        buffer.LowestOffsets(lowest);
        Assert.Equal(102, lowest[0]);
        Assert.Equal(101, lowest[1]);
        Assert.Equal(3, buffer.Count);
    }

    [Fact]
    public void Scheduler_FirstCandidatePublished_ThenUnchangedWeightsSkipped()
    {
        var spec = FeatureSpec.Load(Path.Combine(TestData.RepoRoot, "config", "features", "default.json"));
        var hasher = new FeatureHasher(spec);
        var learner = new FtrlLearner(spec);
        var holdout = new HoldoutBuffer(hasher.FeatureCount, 200);
        var scheduler = new RetrainScheduler(spec, new RetrainPolicyOptions { MinNewExamples = 500, EarlyMinSeconds = 0, IntervalSeconds = 10, MinWeightChange = 0.01, WindowExamples = 100, MinWindowExamples = 50 });
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 3, Sites = 100, Apps = 50 }));
        var indices = new int[hasher.FeatureCount];
        var released = new HoldoutBuffer.ReleasedEntry(new int[hasher.FeatureCount], false, 0, 0, 0);
        var time = new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 1000; i++)
        {
            var example = examples.Next();
            hasher.Indices(examples.Values, indices);
            scheduler.ObserveArrival(examples.Values, indices, example.Clicked, learner.Predict(indices));
            if (holdout.Push(indices, example.Clicked, 0, 0, i, 0, ref released))
            {
                learner.Learn(released.Indices, released.Clicked);
            }
        }

        var first = scheduler.Check(time, () => learner.ToModel(new ModelInfo()), holdout, out var candidate);
        Assert.NotNull(first);
        Assert.Equal(RetrainTrigger.NoChampion, first.Trigger);
        Assert.Equal(RetrainReason.NoChampion, first.Reason);
        Assert.True(first.Trained);
        Assert.Equal(200, first.HoldoutExamples);
        Assert.NotNull(candidate);
        scheduler.Published(candidate, time);
        Assert.Equal(1, scheduler.Publications);
        Assert.Same(candidate, scheduler.Champion);

        // Nothing learned since: the next round (an interval later, with examples enough) finds the weights unchanged.
        Assert.Null(scheduler.Check(time.AddSeconds(5), () => learner.ToModel(new ModelInfo()), holdout, out _));
        for (var i = 0; i < 600; i++)
        {
            var example = examples.Next();
            hasher.Indices(examples.Values, indices);
            scheduler.ObserveArrival(examples.Values, indices, example.Clicked, learner.Predict(indices));
        }

        var second = scheduler.Check(time.AddSeconds(11), () => learner.ToModel(new ModelInfo()), holdout, out var again);
        Assert.NotNull(second);
        Assert.Equal(RetrainTrigger.Interval, second.Trigger);
        Assert.Equal(RetrainReason.WeightsUnchanged, second.Reason);
        Assert.Equal(0, second.WeightChange);
        Assert.Null(again);

        var state = scheduler.Export();
        var restored = new RetrainScheduler(spec, scheduler.Options);
        restored.Restore(state);
        Assert.Equal(scheduler.LastRoundAt, restored.LastRoundAt);
        Assert.Equal(2, restored.Trainings);
        Assert.Equal(1, restored.Publications);
    }
}
