using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Tests.Learning;

public class FtrlLearnerTests
{
    private static readonly FtrlOptions s_options = new() { Alpha = 0.1, Beta = 1, Lambda1 = 0.5, Lambda2 = 1 };

    private readonly SimulatedData _data;

    public FtrlLearnerTests() => _data = SimulatedData.Shared;

    private static FeatureSpec SmallSpec() => FeatureSpec.Parse("""
        { "name": "small", "schema": "openrtb", "hashBits": 18, "fields": ["site.domain", "creative.id"] }
        """);

    private FtrlLearner Train(FtrlOptions options, int from, int to)
    {
        var learner = new FtrlLearner(_data.Spec, options);
        for (var i = from; i < to; i++)
        {
            learner.Learn(_data.Examples.Indices(i), _data.Examples.Label(i));
        }

        return learner;
    }

    [Fact]
    public void Learn_HeldOutLogLoss_IsWithinTwoPercentOfTheTrueCtrs()
    {
        // 80,000 examples of a small market (SimulatedData says why small); held out: the last 20,000.
        var model = Train(s_options, 0, _data.TrainCount).ToModel();
        double loss = 0, best = 0;
        for (var i = _data.TrainCount; i < SimulatedData.Count; i++)
        {
            var clicked = _data.Examples.Label(i);
            loss += BinaryMetrics.LogLoss(model.PredictIndices(_data.Examples.Indices(i)), clicked);
            best += BinaryMetrics.LogLoss(_data.TrueCtr[i], clicked);
        }

        Assert.InRange(loss / best, 1.0 - 0.02, 1.02);
    }

    [Fact]
    public void Learn_FirstStep_MatchesTheClosedFormUpdate()
    {
        // alpha 0.1, beta 1, no regularisation; one click with one feature. w = 0, p = 0.5, g = -0.5,
        // n = 0.25, sigma = (sqrt(0.25) - 0) / 0.1 = 5, z = g - sigma * w = -0.5;
        // w = -z / ((beta + sqrt(n)) / alpha) = 0.5 / 15 = 1/30, for the feature and for the bias.
        var learner = new FtrlLearner(SmallSpec(), new FtrlOptions { Alpha = 0.1, Beta = 1, Lambda1 = 0, Lambda2 = 0 });
        var first = learner.Learn([7], clicked: true);
        Assert.Equal(0.5, first);
        Assert.Equal(-0.5, learner.State.Z(7), 15);
        Assert.Equal(0.25, learner.State.N(7), 15);
        Assert.Equal(1.0 / 30, learner.Weight(7), 15);
        Assert.Equal(1.0 / 30, learner.Bias, 15);
        Assert.Equal(Logistic.Sigmoid(2.0 / 30), learner.Predict([7]), 15);

        // Second step, a non-click: p = sigmoid(2/30), g = p, sigma = (sqrt(0.25 + g^2) - 0.5) / 0.1.
        var p = Logistic.Sigmoid(2.0 / 30);
        Assert.Equal(p, learner.Learn([7], clicked: false), 15);
        var sigma = (Math.Sqrt(0.25 + (p * p)) - 0.5) / 0.1;
        var z = -0.5 + p - (sigma / 30);
        Assert.Equal(z, learner.State.Z(7), 14);
        Assert.Equal(-z / ((1 + Math.Sqrt(0.25 + (p * p))) / 0.1), learner.Weight(7), 14);
    }

    [Fact]
    public void Learn_L1_ZeroesWeightsAndLeavesTheBiasFree()
    {
        // With an L1 strength no single feature can overcome, every weight stays exactly zero, yet the
        // unregularised bias still learns the click rate (1 in 10).
        var learner = new FtrlLearner(SmallSpec(), new FtrlOptions { Alpha = 0.5, Lambda1 = 1e9 });
        for (var i = 0; i < 20_000; i++)
        {
            learner.Learn([i % 100, 100 + (i % 7)], clicked: i % 10 == 0);
        }

        var model = learner.ToModel();
        Assert.Equal(0, model.NonZeroCount);
        Assert.Equal(0.1, Logistic.Sigmoid(model.Bias), 2);
    }

    [Fact]
    public void Learn_StrongerL1_GivesSparserModels()
    {
        var weak = Train(s_options with { Lambda1 = 0.1 }, 0, 20_000).ToModel();
        var strong = Train(s_options with { Lambda1 = 5 }, 0, 20_000).ToModel();
        Assert.True(strong.NonZeroCount < weak.NonZeroCount / 2, $"{strong.NonZeroCount} vs {weak.NonZeroCount}");
        Assert.True(strong.IsSparse);
    }

    [Fact]
    public void Learn_SameInputInSameOrder_GivesBitIdenticalModels()
    {
        var a = Train(s_options, 0, 20_000);
        var b = Train(s_options, 0, 20_000);
        Assert.True(a.State.BitEquals(b.State));
        Assert.Equal(ModelFile.Serialize(a.ToModel()), ModelFile.Serialize(b.ToModel()));

        // And the order matters: the same examples in another order give another model.
        var reversed = new FtrlLearner(_data.Spec, s_options);
        for (var i = 20_000 - 1; i >= 0; i--)
        {
            reversed.Learn(_data.Examples.Indices(i), _data.Examples.Label(i));
        }

        Assert.False(a.State.BitEquals(reversed.State));
    }

    [Fact]
    public void Learn_ReportsProgressiveValidation_FromPredictionsMadeBeforeLearning()
    {
        var learner = new FtrlLearner(_data.Spec, s_options);
        var accumulator = new EvaluationAccumulator();
        for (var i = 0; i < 5_000; i++)
        {
            var before = learner.Predict(_data.Examples.Indices(i));
            var reported = learner.Learn(_data.Examples.Indices(i), _data.Examples.Label(i));
            Assert.Equal(before, reported);
            accumulator.Add(reported, _data.Examples.Label(i));
        }

        Assert.Equal(5_000, learner.Validation.Count);
        Assert.Equal(5_000, learner.ExamplesSeen);
        Assert.Equal(accumulator.Positives, learner.Validation.Positives);
        Assert.Equal(accumulator.LogLoss, learner.Validation.LogLoss, 12);
        Assert.Equal(accumulator.LogLoss, learner.ToModel().Info.Metrics["progressiveLogLoss"], 12);
    }

    [Fact]
    public void Learn_AllocatesNothingPerExample()
    {
        var learner = new FtrlLearner(_data.Spec, s_options);
        var i = 0;
        var allocated = SteadyState.AllocatedBytes(() =>
        {
            var n = i++ % SimulatedData.Count;
            learner.Learn(_data.Examples.Indices(n), _data.Examples.Label(n), n % 3 == 0 ? 2.0 : 1.0);
        }, 20_000);

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(0.0, 1, 1, 1, 1, "alpha")]
    [InlineData(double.NaN, 1, 1, 1, 1, "alpha")]
    [InlineData(0.1, 0, 1, 1, 1, "beta")]
    [InlineData(0.1, 1, -1, 1, 1, "lambda1")]
    [InlineData(0.1, 1, 1, double.PositiveInfinity, 1, "lambda2")]
    [InlineData(0.1, 1, 1, 1, 0, "negativeSamplingRate")]
    [InlineData(0.1, 1, 1, 1, 1.5, "negativeSamplingRate")]
    public void Constructor_RefusesBadHyperParameters_NamingThem(double alpha, double beta, double l1, double l2, double rate, string name)
    {
        var options = new FtrlOptions { Alpha = alpha, Beta = beta, Lambda1 = l1, Lambda2 = l2, NegativeSamplingRate = rate };
        var e = Assert.Throws<ArgumentException>(() => new FtrlLearner(SmallSpec(), options));
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void Learn_RefusesBadIndicesAndImportance()
    {
        var learner = new FtrlLearner(SmallSpec());
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Learn([1 << 18], true));
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Learn([-1], true));
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Learn([1], true, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Learn([1], true, double.NaN));
        Assert.Throws<ArgumentException>(() => learner.Learn(new int[FtrlLearner.MaxFeatures + 1], true));
        Assert.Equal(0, learner.ExamplesSeen);
    }

    [Fact]
    public void Learn_RefusesToGoOnOnceWeightsAreNotFinite()
    {
        // Gigantic importance weights drive the weights to infinity; the learner stops rather than serve NaN.
        var learner = new FtrlLearner(SmallSpec(), new FtrlOptions { Alpha = 1e300, Beta = 1e-300, Lambda1 = 0, Lambda2 = 0 });
        var e = Record.Exception(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                learner.Learn([1, 2, 3], i % 2 == 0, 1e300);
            }

            learner.ToModel();
        });
        Assert.NotNull(e);
        Assert.Contains("not finite", e.Message);
    }

    [Fact]
    public void ToModel_RecordsAlgorithmHyperParametersAndCost_AndScoresAsTheLearner()
    {
        var options = s_options with { NegativeSamplingRate = 0.5 };
        var learner = Train(options, 0, 10_000);
        var info = new ModelInfo
        {
            ModelId = "sim",
            TrainingData = new TrainingDataInfo { Source = "simulator", Rows = 10_000 },
            Cost = new TrainingCost { CpuSeconds = 1, WallSeconds = 2 },
        };
        var model = learner.ToModel(info);
        Assert.Equal("ftrl", model.Info.Algorithm);
        Assert.Equal("sim", model.Info.ModelId);
        Assert.Equal(0.1, model.Info.HyperParameters["alpha"]);
        Assert.Equal(0.5, model.Info.HyperParameters["lambda1"]);
        Assert.Equal(0.5, model.Info.NegativeSamplingRate);
        Assert.Equal(10_000, model.Info.Cost.ExamplesSeen);
        Assert.Equal(2, model.Info.Cost.WallSeconds);
        Assert.Equal(10_000, model.Info.TrainingData.Rows);

        // The model's float weights agree with the learner's doubles to float rounding.
        for (var i = 10_000; i < 12_000; i++)
        {
            var indices = _data.Examples.Indices(i);
            Assert.Equal(learner.Predict(indices), model.PredictIndices(indices), 5);
        }

        var back = ModelFile.Deserialize(ModelFile.Serialize(model));
        Assert.Equal(model.PredictIndices(_data.Examples.Indices(1)), back.PredictIndices(_data.Examples.Indices(1)));
    }

    [Fact]
    public void FromModel_StartsFromTheModelsWeights()
    {
        var model = Train(s_options, 0, 10_000).ToModel();
        var resumed = FtrlLearner.FromModel(model, s_options);
        for (var i = 10_000; i < 11_000; i++)
        {
            var indices = _data.Examples.Indices(i);
            Assert.Equal(model.PredictIndices(indices), resumed.Predict(indices), 6);
        }

        // A different sampling rate moves the bias, not the served prediction.
        var downsampled = FtrlLearner.FromModel(model, s_options with { NegativeSamplingRate = 0.25 });
        Assert.Equal(model.PredictIndices(_data.Examples.Indices(5)), downsampled.Predict(_data.Examples.Indices(5)), 6);

        // And learning goes on from there: better than starting afresh on the same few examples.
        var fresh = new FtrlLearner(_data.Spec, s_options);
        for (var i = 10_000; i < 12_000; i++)
        {
            resumed.Learn(_data.Examples.Indices(i), _data.Examples.Label(i));
            fresh.Learn(_data.Examples.Indices(i), _data.Examples.Label(i));
        }

        Assert.True(resumed.Validation.LogLoss < fresh.Validation.LogLoss);
    }
}
