using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Simulation;

public class SimulatedExamplesTests
{
    [Fact]
    public void Next_ProducesParsedExtractedExamples_WithTrueCtr()
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 7 }));
        var spec = TestData.DefaultSpec();
        var model = LogisticModel.Create(new ModelInfo(), spec, Logistic.Logit(0.03), new float[spec.Size]);
        var clicks = 0;
        var trueSum = 0.0;
        const int n = 20_000;
        for (var i = 0; i < n; i++)
        {
            var e = examples.Next();
            Assert.InRange(e.TrueCtr!.Value, 1e-6, 1 - 1e-6);
            Assert.True(e.Fields.ContainsKey("creative.id"));
            Assert.Equal(0.03, model.Predict(examples.Values), 10);
            clicks += e.Clicked ? 1 : 0;
            trueSum += e.TrueCtr.Value;
        }

        // Clicks are drawn from the true CTRs: their count is within a few standard errors of the expected count.
        var expected = trueSum;
        Assert.InRange(clicks, expected - (5 * Math.Sqrt(expected)), expected + (5 * Math.Sqrt(expected)));
    }
}
