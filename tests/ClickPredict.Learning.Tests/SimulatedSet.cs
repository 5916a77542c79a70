using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Learning.Tests;

/// <summary>Hashed simulator examples shared by these tests (generated once, read-only), with their raw fields kept.</summary>
internal sealed class SimulatedSet
{
    public const int Count = 20_000;

    private static readonly Lazy<SimulatedSet> s_shared = new(() => new SimulatedSet());

    private SimulatedSet()
    {
        Spec = FeatureSpec.Parse("""
            { "name": "learning-test", "schema": "openrtb", "hashBits": 18, "seed": 5,
              "fields": ["site.domain", "app.bundle", "imp.tagid", "imp.pos", "imp.size", "device.type", "device.os",
                         "geo.country", "time.hour", "user.known", "creative.id", "advertiser.id"],
              "crosses": [["creative.id", "device.type"], ["site.cat", "advertiser.id"]] }
            """);
        var simulator = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 21, Sites = 30, Apps = 15, Publishers = 20 }));
        var hasher = new FeatureHasher(Spec);
        Examples = new HashedExamples(Spec, Count);
        Span<int> indices = stackalloc int[hasher.FeatureCount];
        for (var i = 0; i < Count; i++)
        {
            var example = simulator.Next();
            hasher.Indices(simulator.Values, indices);
            Examples.Add(indices, example.Clicked);
            Fields.Add(example.Fields);
        }
    }

    public static SimulatedSet Shared => s_shared.Value;

    public FeatureSpec Spec { get; }

    public HashedExamples Examples { get; }

    /// <summary>The raw fields of each example, as logged.</summary>
    public List<Dictionary<string, string>> Fields { get; } = [];

    /// <summary>The first <paramref name="count"/> examples as a set of their own.</summary>
    public HashedExamples Head(int count)
    {
        var head = new HashedExamples(Spec, count);
        for (var i = 0; i < count; i++)
        {
            head.Add(Examples.Indices(i), Examples.Label(i));
        }

        return head;
    }
}
