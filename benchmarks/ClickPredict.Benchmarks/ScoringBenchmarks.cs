using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Benchmarks;

/// <summary>
/// Scoring alone (hashing the already-extracted fields, reading the weights of a dense 2^22 model
/// whose weights are all non-zero, sigmoid): <see cref="LogisticModel.RequestLogit"/> once per
/// request, then <see cref="LogisticModel.PredictCandidate"/> for one or ten creatives, over
/// 10,000 distinct requests. One operation is one request (with all its creatives).
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private LogisticModel _model = null!;
    private FieldValues[] _requests = [];
    private FieldValues[] _candidates = [];
    private int[][] _indices = [];
    private uint[] _slots = [];

    [GlobalSetup]
    public void Setup()
    {
        var traffic = SimulatedTraffic.Instance;
        _model = traffic.Model;
        _requests = traffic.ExtractAll(candidate: null);
        _candidates = [.. traffic.Candidates.Select(SimulatedTraffic.CandidateOnly)];
        _slots = new uint[_model.Hasher.SlotCount];

        // Every feature index of each request with the first creative, for the lookup-only case.
        var examples = traffic.ExtractAll(traffic.Candidates[0]);
        _indices = new int[examples.Length][];
        for (var i = 0; i < examples.Length; i++)
        {
            _indices[i] = new int[_model.Hasher.FeatureCount];
            _model.Hasher.Indices(examples[i], _indices[i]);
        }
    }

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double OneCreative() => Score(1);

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double TenCreatives() => Score(10);

    /// <summary>Only the weight reads and the sigmoid, from precomputed indices: the memory-bound floor of scoring.</summary>
    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double OneCreativeFromIndices()
    {
        var model = _model;
        var sum = 0.0;
        foreach (var indices in _indices)
        {
            sum += model.PredictIndices(indices);
        }

        return sum;
    }

    private double Score(int creatives)
    {
        var model = _model;
        var slots = _slots.AsSpan();
        var candidates = _candidates.AsSpan(0, creatives);
        var sum = 0.0;
        foreach (var request in _requests)
        {
            var requestLogit = model.RequestLogit(request, slots);
            foreach (var candidate in candidates)
            {
                sum += model.PredictCandidate(requestLogit, candidate, slots);
            }
        }

        return sum;
    }
}
