using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Tests;

/// <summary>The default model committed in models/ (see models/README.md for the commands that made it).</summary>
public class ShippedModelTests
{
    [Fact]
    public void DefaultModel_LoadsWithTheDefaultSpec_AndIsSmallAndSparse()
    {
        var model = ModelFile.Load(Path.Combine(CliRunner.RepoRoot, "models", "default.cpm"));
        var spec = FeatureSpec.Load(CliRunner.Spec("default"));
        Assert.Equal(spec.Fingerprint, model.Spec.Fingerprint);
        Assert.Equal("ctr-default", model.Info.ModelId);
        Assert.Equal("ftrl", model.Info.Algorithm);
        Assert.True(model.IsSparse);
        Assert.InRange(model.NonZeroCount, 1_000, 50_000);
        Assert.True(model.Info.Metrics["holdoutLogLoss"] > 0);
        Assert.True(model.Info.Cost.ExamplesSeen > 0);

        // It scores simulated traffic with a sensible spread of pCTRs around a few percent.
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 42 }));
        double sum = 0, min = 1, max = 0;
        for (var i = 0; i < 2_000; i++)
        {
            examples.Next();
            var p = model.Predict(examples.Values);
            sum += p;
            min = Math.Min(min, p);
            max = Math.Max(max, p);
        }

        Assert.InRange(sum / 2_000, 0.02, 0.2);
        Assert.True(max > 3 * min);
    }
}
