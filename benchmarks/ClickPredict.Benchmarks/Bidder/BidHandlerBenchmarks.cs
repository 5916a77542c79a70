using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Tools;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// The bid request handler without HTTP: parse (JSON or MessagePack) + extract features + score every
/// eligible creative + price + write the response (with its signed URLs), over 64 simulator
/// requests per invocation. <c>WithBidEvent</c> adds serialising the bid events (what the event log
/// hands Kafka). Budget in the bidder issue: under 20 us and under 1 KB allocated per request.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class BidHandlerBenchmarks
{
    private const int Requests = 64;

    private StandaloneEngine _engine = null!;
    private ReadOnlyMemory<byte>[] _json = null!;
    private ReadOnlyMemory<byte>[] _msgpack = null!;
    private ArrayBufferWriter<byte> _events = null!;
    private BidRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var model = BenchmarkModel.Load(out var description);
        Console.WriteLine("// model: " + description);
        _engine = new StandaloneEngine(BenchmarkModel.CampaignsPath, model);
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 1 });
        _json = new ReadOnlyMemory<byte>[Requests];
        _msgpack = new ReadOnlyMemory<byte>[Requests];
        for (var i = 0; i < Requests; i++)
        {
            // A generous tmax: the benchmark measures the work, not the deadline check's verdict.
            var body = System.Text.Encoding.UTF8.GetString(simulator.Next().ToJson());
            body = System.Text.RegularExpressions.Regex.Replace(body, "\"tmax\":\\d+", "\"tmax\":10000");
            _json[i] = System.Text.Encoding.UTF8.GetBytes(body);
            _msgpack[i] = OpenRtbMessagePack.FromJson(_json[i].Span);
        }

        _events = new ArrayBufferWriter<byte>(4096);
        _request = new BidRequest();
        var bids = 0;
        foreach (var body in _json)
        {
            bids += _engine.Process(body) ? 1 : 0;
        }

        Console.WriteLine($"// {bids} of {Requests} requests bid");
    }

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (JSON)")]
    public int HandleJson()
    {
        var bids = 0;
        foreach (var body in _json)
        {
            bids += _engine.Process(body) ? 1 : 0;
        }

        return bids;
    }

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (MessagePack)")]
    public int HandleMessagePack()
    {
        var bids = 0;
        foreach (var body in _msgpack)
        {
            bids += _engine.Process(body, BodyFormat.MessagePack) ? 1 : 0;
        }

        return bids;
    }

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (JSON) + bid event")]
    public int HandleJsonWithBidEvent()
    {
        var bids = 0;
        foreach (var body in _json)
        {
            if (_engine.Process(body))
            {
                bids++;
                _engine.SerializeBidEvents(_events);
            }
        }

        return bids;
    }

    [Benchmark(OperationsPerInvoke = Requests, Description = "parse only (JSON), the baseline's work")]
    public int ParseJson()
    {
        var imps = 0;
        foreach (var body in _json)
        {
            BidRequestParser.Parse(body.Span, _request);
            imps += _request.ImpCount;
        }

        return imps;
    }
}
