using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using ClickPredict.Learning.Onnx;

namespace ClickPredict.Learning.Tests;

public class OnnxScorerTests
{
    private static LogisticModel FtrlModel(double negativeRate)
    {
        var data = SimulatedSet.Shared;
        var learner = new FtrlLearner(data.Spec, new FtrlOptions { Alpha = 0.1, Lambda1 = 0.2, NegativeSamplingRate = negativeRate });
        for (var i = 0; i < 10_000; i++)
        {
            learner.Learn(data.Examples.Indices(i), data.Examples.Label(i));
        }

        return learner.ToModel(new ModelInfo { ModelId = "onnx-test", Version = 4 });
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.25)]
    public void PredictBatch_AgreesWithTheInMemoryScorer_Within1e6(double negativeRate)
    {
        var data = SimulatedSet.Shared;
        var model = FtrlModel(negativeRate);
        using var scorer = OnnxScorer.FromBytes(OnnxExporter.Export(model));
        const int from = 10_000, rows = 5_000;
        var predictions = new double[rows];
        scorer.PredictBatch(data.Examples.AllIndices.Slice(from * data.Examples.FeatureCount, rows * data.Examples.FeatureCount), predictions);
        var maxDifference = 0.0;
        for (var i = 0; i < rows; i++)
        {
            maxDifference = Math.Max(maxDifference, Math.Abs(predictions[i] - model.PredictIndices(data.Examples.Indices(from + i))));
        }

        Assert.InRange(maxDifference, 0, 1e-6);
        // Not a model that predicts one constant: the predictions spread.
        Assert.True(predictions.Max() - predictions.Min() > 0.05);
    }

    [Fact]
    public void Predict_HashesRawFieldsWithTheEmbeddedSpec()
    {
        var data = SimulatedSet.Shared;
        var model = FtrlModel(1.0);
        var path = Path.Combine(Path.GetTempPath(), $"model-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path);
            using var scorer = OnnxScorer.Load(path);
            Assert.Equal(data.Spec.Fingerprint, scorer.Spec!.Fingerprint);
            Assert.Equal("onnx-test@4", scorer.Metadata[OnnxExporter.ModelKey]);
            Assert.Equal("ftrl", scorer.Metadata[OnnxExporter.AlgorithmKey]);
            var values = new FieldValues(FieldSchema.OpenRtb);
            for (var i = 12_000; i < 12_200; i++)
            {
                values.Load(data.Fields[i]);
                Assert.Equal(model.Predict(values), scorer.Predict(values), 1e-6);
                Assert.Equal(model.PredictIndices(data.Examples.Indices(i)), scorer.PredictIndices(data.Examples.Indices(i)), 1e-6);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Export_DenseModelWithEveryWeightSet_AgreesToo()
    {
        var spec = FeatureSpec.Parse("""{ "schema": "openrtb", "hashBits": 18, "fields": ["site.domain", "creative.id", "device.type"] }""");
        var random = new Random(3);
        var weights = new float[spec.Size];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)((random.NextDouble() - 0.5) * 4);
        }

        var model = LogisticModel.Create(new ModelInfo(), spec, -2.5, weights);
        using var scorer = OnnxScorer.FromBytes(OnnxExporter.Export(model));
        var indices = new int[3 * 2_000];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = random.Next(spec.Size);
        }

        var predictions = new double[2_000];
        scorer.PredictBatch(indices, predictions);
        for (var i = 0; i < predictions.Length; i++)
        {
            Assert.Equal(model.PredictIndices(indices.AsSpan(i * 3, 3)), predictions[i], 1e-6);
        }
    }

    [Fact]
    public void Load_RefusesWhatItCannotServe()
    {
        var e = Assert.Throws<OnnxModelException>(() => OnnxScorer.FromBytes("not an onnx model"u8.ToArray(), source: "junk.onnx"));
        Assert.StartsWith("junk.onnx: ONNX Runtime refused the model", e.Message);

        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");
        Assert.Contains("cannot read", Assert.Throws<OnnxModelException>(() => OnnxScorer.Load(missing)).Message);

        // A spec other than the one the model was exported with is refused.
        var other = FeatureSpec.Parse("""{ "schema": "openrtb", "hashBits": 18, "fields": ["site.domain"] }""");
        var bytes = OnnxExporter.Export(FtrlModel(1.0));
        Assert.Contains("exported for feature spec", Assert.Throws<OnnxModelException>(() => OnnxScorer.FromBytes(bytes, other)).Message);

        using var scorer = OnnxScorer.FromBytes(bytes);
        Assert.Throws<ArgumentException>(() => scorer.PredictBatch(new int[5], new double[2]));
    }
}
