using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Tests.Learning;

public class NegativeDownsamplerTests
{
    private readonly SimulatedData _data;

    public NegativeDownsamplerTests() => _data = SimulatedData.Shared;

    [Fact]
    public void Keep_KeepsEveryClickAndTheRateOfNonClicks()
    {
        var sampler = new NegativeDownsampler(0.2, seed: 5);
        int clicksKept = 0, negativesKept = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var clicked = i % 50 == 0;
            if (sampler.Keep(clicked))
            {
                clicksKept += clicked ? 1 : 0;
                negativesKept += clicked ? 0 : 1;
            }
        }

        Assert.Equal(2_000, clicksKept);
        // 98,000 negatives at 0.2: 19,600 expected, sd about 125.
        Assert.InRange(negativesKept, 19_600 - 700, 19_600 + 700);
        Assert.Equal(100_000, sampler.Offered);
        Assert.Equal(clicksKept + negativesKept, sampler.Kept);
        Assert.Equal(5.0, sampler.Importance(false));
        Assert.Equal(1.0, sampler.Importance(true));
    }

    [Fact]
    public void Keep_IsDeterministicForASeed()
    {
        static string Pattern(ulong seed)
        {
            var sampler = new NegativeDownsampler(0.5, seed);
            return string.Concat(Enumerable.Range(0, 200).Select(_ => sampler.Keep(false) ? '1' : '0'));
        }

        Assert.Equal(Pattern(3), Pattern(3));
        Assert.NotEqual(Pattern(3), Pattern(4));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Constructor_RefusesRatesOutsideZeroToOne(double rate) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NegativeDownsampler(rate));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DownsampledTraining_StaysCalibrated_ByRecalibrationOrByImportanceWeights(bool importanceWeights)
    {
        // Keep 10% of the negatives. Either the model learns the down-sampled odds and re-calibrates
        // (the rate goes into the model file), or it learns with importance weights and needs none.
        const double rate = 0.1;
        var sampler = new NegativeDownsampler(rate, seed: 9);
        var options = new FtrlOptions { Alpha = 0.1, Lambda1 = 0.5, Lambda2 = 1, NegativeSamplingRate = importanceWeights ? 1.0 : rate };
        var learner = new FtrlLearner(_data.Spec, options);
        for (var i = 0; i < _data.TrainCount; i++)
        {
            var clicked = _data.Examples.Label(i);
            if (sampler.Keep(clicked))
            {
                learner.Learn(_data.Examples.Indices(i), clicked, importanceWeights ? sampler.Importance(clicked) : 1.0);
            }
        }

        var model = learner.ToModel();
        Assert.Equal(importanceWeights ? 1.0 : rate, model.Info.NegativeSamplingRate);
        double predicted = 0, clicks = 0, truth = 0;
        for (var i = _data.TrainCount; i < SimulatedData.Count; i++)
        {
            predicted += model.PredictIndices(_data.Examples.Indices(i));
            clicks += _data.Examples.Label(i) ? 1 : 0;
            truth += _data.TrueCtr[i];
        }

        // Mean predicted CTR within 10% of the true mean (the raw down-sampled model would be ~8x off).
        Assert.InRange(predicted / truth, 0.9, 1.1);
        // Progressive validation weighs each kept negative 1 / rate times: it estimates the full stream's CTR.
        Assert.InRange(learner.Validation.ObservedCtr, 0.8 * clicks / (SimulatedData.Count - _data.TrainCount), 1.25 * clicks / (SimulatedData.Count - _data.TrainCount));
        Assert.InRange(learner.Validation.Calibration, 0.85, 1.15);
        var raw = Logistic.Sigmoid(model.Logit(_data.Examples.Indices(0)));
        Assert.Equal(importanceWeights ? raw : Logistic.Recalibrate(raw, rate), model.PredictIndices(_data.Examples.Indices(0)), 12);
    }
}
