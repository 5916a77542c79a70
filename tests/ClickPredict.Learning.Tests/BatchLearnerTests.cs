using ClickPredict.Core.Learning;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;
using ClickPredict.Learning.MlNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClickPredict.Learning.Tests;

public class BatchLearnerTests
{
    private const int Train = 8_000;

    private static double HeldOutLogLoss(LogisticModel model)
    {
        var data = SimulatedSet.Shared;
        double loss = 0;
        for (var i = Train; i < Train + 4_000; i++)
        {
            loss += BinaryMetrics.LogLoss(model.PredictIndices(data.Examples.Indices(i)), data.Examples.Label(i));
        }

        return loss / 4_000;
    }

    private static double ConstantLogLoss()
    {
        var data = SimulatedSet.Shared;
        var rate = (double)data.Head(Train).Positives / Train;
        return BinaryMetrics.Entropy(rate);
    }

    /// <summary>ML.NET's own probabilities for the held-out examples, to check the conversion.</summary>
    private static float[] MlNetProbabilities(ITransformer transformer)
    {
        var data = SimulatedSet.Shared;
        var heldOut = new HashedExamples(data.Spec);
        for (var i = Train; i < Train + 500; i++)
        {
            heldOut.Add(data.Examples.Indices(i), data.Examples.Label(i));
        }

        var context = new MLContext(1);
        var scored = transformer.Transform(HashedDataView.Create(context, heldOut));
        return [.. scored.GetColumn<float>("Probability")];
    }

    [Fact]
    public void Lbfgs_Fit_ConvertsIntoTheSameModelAsMlNetScores()
    {
        var data = SimulatedSet.Shared;
        var model = new LbfgsLearner(new LbfgsOptions { L1 = 1, L2 = 1 }).Fit(data.Head(Train), new ModelInfo { ModelId = "batch" }, out var transformer);
        Assert.Equal("lbfgs", model.Info.Algorithm);
        Assert.Equal("batch", model.Info.ModelId);
        Assert.Equal(Train, model.Info.TrainingData.Rows);
        Assert.Equal(1.0, model.Info.HyperParameters["l2"]);
        Assert.True(model.Info.Cost.WallSeconds > 0);

        var expected = MlNetProbabilities(transformer);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], model.PredictIndices(data.Examples.Indices(Train + i)), 1e-5);
        }

        Assert.True(HeldOutLogLoss(model) < 0.97 * ConstantLogLoss(), $"{HeldOutLogLoss(model)} vs constant {ConstantLogLoss()}");
    }

    [Fact]
    public void Sdca_Fit_ConvertsIntoTheSameModelAsMlNetScores()
    {
        var data = SimulatedSet.Shared;
        var model = new SdcaLearner(new SdcaOptions { L2 = 1e-3, MaxIterations = 10 }).Fit(data.Head(Train), null, out var transformer);
        Assert.Equal("sdca", model.Info.Algorithm);
        var expected = MlNetProbabilities(transformer);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], model.PredictIndices(data.Examples.Indices(Train + i)), 1e-5);
        }

        Assert.True(HeldOutLogLoss(model) < 0.97 * ConstantLogLoss(), $"{HeldOutLogLoss(model)} vs constant {ConstantLogLoss()}");
    }

    [Fact]
    public void Fit_SameData_GivesTheSameModel()
    {
        var data = SimulatedSet.Shared.Head(3_000);
        var a = new LbfgsLearner().Fit(data);
        var b = new LbfgsLearner().Fit(data);
        Assert.Equal(a.Bias, b.Bias);
        Assert.Equal(a.NonZeroCount, b.NonZeroCount);
        for (var i = 0; i < 100; i++)
        {
            var indices = SimulatedSet.Shared.Examples.Indices(i);
            Assert.Equal(a.PredictIndices(indices), b.PredictIndices(indices));
        }
    }

    [Fact]
    public void Options_AreCheckedBeforeFitting()
    {
        Assert.Contains("l1", Assert.Throws<ArgumentException>(() => new LbfgsLearner(new LbfgsOptions { L1 = -1 })).Message);
        Assert.Contains("historySize", Assert.Throws<ArgumentException>(() => new LbfgsLearner(new LbfgsOptions { HistorySize = 0 })).Message);
        Assert.Contains("l2", Assert.Throws<ArgumentException>(() => new SdcaLearner(new SdcaOptions { L2 = 0 })).Message);
        Assert.Throws<ArgumentException>(() => new SdcaLearner().Fit(new HashedExamples(SimulatedSet.Shared.Spec)));
    }

    [Fact]
    public void HashedDataView_GivesMlNetTheHashedIndices_DuplicatesCounted()
    {
        var spec = SimulatedSet.Shared.Spec;
        var examples = new HashedExamples(spec);
        var indices = new int[examples.FeatureCount];
        for (var k = 0; k < indices.Length; k++)
        {
            indices[k] = (k * 7919) % spec.Size;
        }

        indices[1] = indices[0];
        examples.Add(indices, true, 2f);
        var view = HashedDataView.Create(new MLContext(1), examples);
        var row = view.GetColumn<VBuffer<float>>("Features").Single();
        Assert.Equal(spec.Size, row.Length);
        Assert.Equal(indices.Distinct().Count(), row.GetIndices().Length);
        Assert.Equal(2f, row.GetValues()[row.GetIndices().IndexOf(indices[0])]);
        Assert.Equal(2f, view.GetColumn<float>("Weight").Single());
    }
}
