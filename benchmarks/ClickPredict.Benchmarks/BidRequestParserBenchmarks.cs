using BenchmarkDotNet.Attributes;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Benchmarks;

/// <summary>
/// <see cref="BidRequestParser"/> on 10,000 distinct simulator bodies (about 1 KB each), parsed
/// one after another into a single warmed <see cref="BidRequest"/>, as a bidder thread does; and
/// <see cref="BidRequestMessagePackParser"/> on the same requests encoded as MessagePack.
/// One operation is one request.
/// </summary>
[MemoryDiagnoser]
public class BidRequestParserBenchmarks
{
    private byte[][] _json = [];
    private ReadOnlyMemory<byte>[] _msgpack = [];
    private readonly BidRequest _request = new();

    [GlobalSetup]
    public void Setup()
    {
        _json = SimulatedTraffic.Instance.Json;
        _msgpack = new ReadOnlyMemory<byte>[_json.Length];
        for (var i = 0; i < _json.Length; i++)
        {
            _msgpack[i] = OpenRtbMessagePack.FromJson(_json[i]);
        }

        // Warm the request's pools to the largest body, as steady state would.
        ParseIntoWarmRequest();
        ParseMessagePackIntoWarmRequest();
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

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public int ParseMessagePackIntoWarmRequest()
    {
        var request = _request;
        var imps = 0;
        foreach (var body in _msgpack)
        {
            BidRequestMessagePackParser.Parse(body, request);
            imps += request.ImpCount;
        }

        return imps;
    }
}
