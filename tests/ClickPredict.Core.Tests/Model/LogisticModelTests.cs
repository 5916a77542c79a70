using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Model;

public class LogisticModelTests
{
    internal static LogisticModel RandomModel(FeatureSpec spec, int seed = 5, double density = 1.0, double negativeRate = 1.0)
    {
        var random = new Random(seed);
        var weights = new float[spec.Size];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = random.NextDouble() < density ? (float)(random.NextDouble() - 0.5) : 0f;
        }

        var info = new ModelInfo { ModelId = "test", Version = 3, Algorithm = "random", NegativeSamplingRate = negativeRate };
        return LogisticModel.Create(info, spec, -3.0, weights);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(800.0, 1.0)]
    [InlineData(-800.0, 0.0)]
    [InlineData(2.0, 0.8807970779778823)]
    [InlineData(-2.0, 0.11920292202211755)]
    public void Sigmoid_IsSafeAtTheExtremes(double x, double expected)
    {
        var p = Logistic.Sigmoid(x);
        Assert.True(double.IsFinite(p));
        Assert.Equal(expected, p, 15);
    }

    [Theory]
    [InlineData(0.1, 0.1, 0.01098901098901099)] // p / (p + (1 - p) / r): odds 1/9 times r = 1/90
    [InlineData(0.5, 0.05, 0.047619047619047616)] // odds 1 times 0.05 = 1/20
    [InlineData(0.3, 1.0, 0.3)]
    public void Recalibrate_UndoesNegativeDownsampling(double p, double rate, double expected) =>
        Assert.Equal(expected, Logistic.Recalibrate(p, rate), 14);

    [Fact]
    public void Predict_NoWeights_GivesTheSigmoidOfTheBias()
    {
        var spec = TestData.DefaultSpec();
        var model = LogisticModel.Create(new ModelInfo(), spec, Logistic.Logit(0.02), new float[spec.Size]);
        var examples = new SimulatedExamples(new TrafficSimulator());
        examples.Next();
        Assert.Equal(0.02, model.Predict(examples.Values), 12);
        Assert.Equal(0, model.NonZeroCount);
        Assert.True(model.IsSparse);
    }

    [Fact]
    public void AllScoringPaths_AreBitIdentical()
    {
        // The bidder (request half once, then each candidate), Predict, and PredictIndices all add the
        // same terms in the same order: the pCTRs must match to the last bit, dense or sparse.
        var spec = TestData.DefaultSpec();
        var dense = RandomModel(spec, density: 1.0, negativeRate: 0.25);
        var sparse = RandomModel(spec, density: 0.05);
        var sparseAsDense = LogisticModel.Create(sparse.Info, spec, sparse.Bias, Weights(sparse), ModelLayout.Dense);
        var sim = new TrafficSimulator(new SimulatorOptions { Seed = 3 });
        var request = new BidRequest();
        var values = new FieldValues(FieldSchema.OpenRtb);
        var candidates = sim.Creatives.Take(5).Select(c => c.ToCandidate()).ToArray();
        var pctrs = new double[candidates.Length];
        var indices = new int[dense.Hasher.FeatureCount];
        for (var n = 0; n < 200; n++)
        {
            var r = sim.Next();
            BidRequestParser.Parse(r.ToJson(), request);
            foreach (var model in new[] { dense, sparse, sparseAsDense })
            {
                OpenRtbScorer.Score(model, request, 0, r.Time, "x"u8, candidates, values, pctrs);
                for (var c = 0; c < candidates.Length; c++)
                {
                    OpenRtbFieldExtractor.ExtractRequest(request, 0, r.Time, "x"u8, values);
                    OpenRtbFieldExtractor.ExtractCandidate(candidates[c], values);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(pctrs[c]), BitConverter.DoubleToInt64Bits(model.Predict(values)));
                    model.Hasher.Indices(values, indices);
                    Assert.Equal(BitConverter.DoubleToInt64Bits(pctrs[c]), BitConverter.DoubleToInt64Bits(model.PredictIndices(indices)));
                }
            }

            // Sparse and dense layouts hold the same weights: same scores.
            OpenRtbScorer.Score(sparse, request, 0, r.Time, "x"u8, candidates, values, pctrs);
            var again = new double[candidates.Length];
            OpenRtbScorer.Score(sparseAsDense, request, 0, r.Time, "x"u8, candidates, values, again);
            Assert.Equal(pctrs, again);
        }
    }

    [Fact]
    public void Create_RefusesNonFiniteOrWrongSizedWeights()
    {
        var spec = FeatureSpec.Parse("""{"schema":"openrtb","hashBits":18,"fields":["site.domain"]}""");
        var weights = new float[spec.Size];
        weights[17] = float.NaN;
        Assert.Contains("weight 17 is not finite", Assert.Throws<ArgumentException>(() => LogisticModel.Create(new ModelInfo(), spec, 0, weights)).Message);
        Assert.Throws<ArgumentException>(() => LogisticModel.Create(new ModelInfo(), spec, 0, new float[10]));
        Assert.Throws<ArgumentException>(() => LogisticModel.Create(new ModelInfo(), spec, double.PositiveInfinity, new float[spec.Size]));
        Assert.Throws<ArgumentException>(() => LogisticModel.Create(new ModelInfo { NegativeSamplingRate = 0 }, spec, 0, new float[spec.Size]));
        Assert.Throws<ArgumentException>(() => LogisticModel.CreateSparse(new ModelInfo(), spec, 0, [spec.Size], [1f]));
    }

    [Fact]
    public void Layout_AutoPicksSparseForFewNonZeros()
    {
        var spec = FeatureSpec.Parse("""{"schema":"openrtb","hashBits":18,"fields":["site.domain"]}""");
        var sparse = LogisticModel.CreateSparse(new ModelInfo(), spec, 0, [1, 5, 99], [0.5f, -1f, 2f]);
        Assert.True(sparse.IsSparse);
        Assert.Equal(3, sparse.NonZeroCount);
        Assert.Equal(-1f, sparse.Weight(5));
        Assert.Equal(0f, sparse.Weight(6));
        Assert.True(sparse.WeightBytes < spec.Size * sizeof(float));
        Assert.False(RandomModel(spec).IsSparse);
    }

    [Fact]
    public void Scoring_SteadyState_AllocatesNothing()
    {
        var spec = TestData.DefaultSpec();
        var model = RandomModel(spec);
        var sim = new TrafficSimulator();
        var request = new BidRequest();
        var values = new FieldValues(FieldSchema.OpenRtb);
        var r = sim.Next();
        BidRequestParser.Parse(r.ToJson(), request);
        var candidates = sim.Creatives.Take(10).Select(c => c.ToCandidate()).ToArray();
        var pctrs = new double[10];
        var allocated = SteadyState.AllocatedBytes(() => OpenRtbScorer.Score(model, request, 0, r.Time, "x"u8, candidates, values, pctrs), 500);

        Assert.Equal(0, allocated);
    }

    private static float[] Weights(LogisticModel model)
    {
        var w = new float[model.Spec.Size];
        model.CopyWeightsTo(w);
        return w;
    }
}
