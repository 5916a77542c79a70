using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Features;

namespace ClickPredict.Benchmarks;

/// <summary>
/// <see cref="FeatureHasher"/> with <c>config/features/default.json</c> (26 fields, 10 crosses, 2^22)
/// on 10,000 distinct pre-extracted examples (request fields plus one creative): every feature
/// index of an example, in one call or in the bidder's request and candidate halves.
/// One operation is one example.
/// </summary>
[MemoryDiagnoser]
public class FeatureHashingBenchmarks
{
    private FeatureHasher _hasher = null!;
    private FieldValues[] _examples = [];
    private uint[] _slots = [];
    private int[] _indices = [];

    [GlobalSetup]
    public void Setup()
    {
        var traffic = SimulatedTraffic.Instance;
        _hasher = new FeatureHasher(traffic.Spec);
        _examples = traffic.ExtractAll(traffic.Candidates[0]);
        _slots = new uint[_hasher.SlotCount];
        _indices = new int[_hasher.FeatureCount];
    }

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public int AllIndices()
    {
        var hasher = _hasher;
        var indices = _indices.AsSpan();
        var acc = 0;
        foreach (var values in _examples)
        {
            hasher.Indices(values, indices);
            acc ^= indices[^1];
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public int RequestThenCandidateHalves()
    {
        var hasher = _hasher;
        var slots = _slots.AsSpan();
        var indices = _indices.AsSpan();
        var requestCount = hasher.RequestFeatureCount;
        var acc = 0;
        foreach (var values in _examples)
        {
            hasher.HashRequestFields(values, slots);
            hasher.RequestIndices(slots, indices);
            hasher.HashCandidateFields(values, slots);
            hasher.CandidateIndices(slots, indices[requestCount..]);
            acc ^= indices[^1];
        }

        return acc;
    }
}
