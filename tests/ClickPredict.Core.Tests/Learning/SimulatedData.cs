using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Learning;

/// <summary>
/// 100,000 simulated examples, hashed once and shared by the learning tests (read-only). The market is kept
/// small (20 sites, 10 apps, 30 publishers) so the learner sees every inventory value often enough
/// to converge within this many examples; the spec holds the fields the hidden CTR function uses,
/// plus the crosses it has (creative x device type, content category x advertiser).
/// </summary>
public sealed class SimulatedData
{
    public const int Count = 100_000;

    private static readonly Lazy<SimulatedData> s_shared = new(() => new SimulatedData());

    private SimulatedData()
    {
        Spec = FeatureSpec.Parse("""
            { "name": "sim-test", "schema": "openrtb", "hashBits": 20, "seed": 3,
              "fields": ["site.domain", "app.bundle", "imp.tagid", "imp.pos", "imp.instl", "imp.size", "device.type",
                         "device.os", "geo.country", "time.hour", "device.conn", "user.known", "creative.id", "advertiser.id"],
              "crosses": [["creative.id", "device.type"], ["site.cat", "advertiser.id"], ["app.cat", "advertiser.id"]] }
            """);
        var simulator = new SimulatedExamples(new TrafficSimulator(Options));
        var hasher = new FeatureHasher(Spec);
        Examples = new HashedExamples(Spec, Count);
        TrueCtr = new double[Count];
        Span<int> indices = stackalloc int[hasher.FeatureCount];
        for (var i = 0; i < Count; i++)
        {
            var example = simulator.Next();
            hasher.Indices(simulator.Values, indices);
            Examples.Add(indices, example.Clicked);
            TrueCtr[i] = example.TrueCtr!.Value;
        }
    }

    /// <summary>The one instance, generated on first use (about two seconds) and then shared by every test.</summary>
    public static SimulatedData Shared => s_shared.Value;

    public static SimulatorOptions Options { get; } = new() { Seed = 11, Sites = 20, Apps = 10, Publishers = 30 };

    public FeatureSpec Spec { get; }

    public HashedExamples Examples { get; }

    public double[] TrueCtr { get; }

    /// <summary>The positional 80/20 split: train on the first 80%.</summary>
    public int TrainCount => Count * 4 / 5;
}
