using BenchmarkDotNet.Attributes;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Benchmarks;

/// <summary>
/// <see cref="BidRequestParser"/> on 10,000 distinct simulator bodies (about 1 KB each), parsed
/// one after another into a single warmed <see cref="BidRequest"/>, as a bidder thread does.
/// One operation is one request.
/// </summary>
[MemoryDiagnoser]
public class BidRequestParserBenchmarks
{
    private byte[][] _json = [];
    private readonly BidRequest _request = new();

    [GlobalSetup]
    public void Setup()
    {
        _json = SimulatedTraffic.Instance.Json;
        // Warm the request's pools to the largest body, as steady state would.
        foreach (var body in _json)
        {
            BidRequestParser.Parse(body, _request);
        }
    }

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public int ParseIntoWarmRequest()
    {
        var request = _request;
        var imps = 0;
        foreach (var body in _json)
        {
            BidRequestParser.Parse(body, request);
            imps += request.ImpCount;
        }

        return imps;
    }
}
