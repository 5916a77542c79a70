using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Simulation;
using ClickPredict.Learning.MlNet;

namespace ClickPredict.Benchmarks.Learning;

/// <summary>
/// Learning throughput on already-hashed examples: 100,000 distinct simulator examples of 40
/// features each (the bidder's default spec plus four crosses, 2^22 weights), hashed once in
/// setup. FTRL-Proximal learns one pass per invocation (each example scored, then learned);
/// ML.NET's SDCA logistic regression fits one pass over the same examples, from the same indices.
/// Both report time per example (OperationsPerInvoke); the ratio column compares SDCA with FTRL.
/// </summary>
[MemoryDiagnoser]
public class LearnerBenchmarks
{
    public const int Examples = 100_000;

    private HashedExamples _examples = null!;
    private FtrlLearner _ftrl = null!;

    [GlobalSetup]
    public void Setup()
    {
        var spec = FeatureSpec.Load(Path.Combine(RepoRoot(), "config", "features", "default.json"))
            .WithCross("device.os", "advertiser.id")
            .WithCross("geo.country", "creative.id")
            .WithCross("imp.pos", "creative.id")
            .WithCross("publisher.id", "advertiser.id");
        var simulator = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 5 }));
        var hasher = new FeatureHasher(spec);
        _examples = new HashedExamples(spec, Examples);
        Span<int> indices = stackalloc int[hasher.FeatureCount];
        for (var i = 0; i < Examples; i++)
        {
            var example = simulator.Next();
            hasher.Indices(simulator.Values, indices);
            _examples.Add(indices, example.Clicked);
        }

        _ftrl = new FtrlLearner(spec, new FtrlOptions { Alpha = 0.1, Lambda1 = 0.5, Lambda2 = 1 });
    }

    /// <summary>Features per example (40).</summary>
    public int FeatureCount => _examples.FeatureCount;

    [Benchmark(Baseline = true, OperationsPerInvoke = Examples, Description = "FTRL learn (per example)")]
    public double FtrlLearn()
    {
        var learner = _ftrl;
        var examples = _examples;
        var sum = 0.0;
        for (var i = 0; i < Examples; i++)
        {
            sum += learner.Learn(examples.Indices(i), examples.Label(i));
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Examples, Description = "ML.NET SDCA fit, 1 pass (per example)")]
    public double SdcaOnePass() =>
        new SdcaLearner(new SdcaOptions { MaxIterations = 1, L2 = 1e-4 }).Fit(_examples).Bias;

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClickPredict.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ClickPredict.sln not found above " + AppContext.BaseDirectory);
    }
}
