using System.Buffers;
using BenchmarkDotNet.Attributes;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// The bid request handler without a socket, built through the bidder's own DI registration
/// (<see cref="InProcessBidder"/>), over 64 simulator requests per invocation:
/// <list type="bullet">
/// <item><c>Engine*</c>: the engine alone (parse + extract features + score every eligible creative +
/// price + write the response with its signed URLs), what this benchmark measured before it took the whole handler.</item>
/// <item><c>Handle*</c>: <see cref="ClickPredict.Bidder.Api.BidHandler"/> from content negotiation to the
/// response written, with its metrics and status page counts; <c>WithEvents</c> adds the bid events, written
/// into the event log's buffer on the request's thread and, once per invocation (64 requests), drained into
/// per-partition batches and handed to a transport that takes them (Kafka's place; <c>WithKafka</c> hands
/// them to the real Kafka transport and a private embedded broker in this process instead).</item>
/// <item><c>HandleJsonFirstPriceShaded</c>: the same requests made first price (<c>at=1</c>), priced by the surplus
/// maximiser under a loaded win-rate model (with its 5% exploration), events on.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class BidHandlerBenchmarks
{
    private const int Requests = 64;
    private const string Json = "application/json";
    private const string MessagePack = "application/x-msgpack";

    private InProcessBidder _quiet = null!;
    private InProcessBidder _logging = null!;
    private InProcessBidder _kafka = null!;
    private InProcessBidder _shaded = null!;
    private ReadOnlyMemory<byte>[] _firstPrice = null!;
    private BidEngine _engine = null!;
    private BidContext _context = null!;
    private ReadOnlyMemory<byte>[] _json = null!;
    private ReadOnlyMemory<byte>[] _msgpack = null!;
    private BidRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var model = BenchmarkModel.Load(out var description);
        Console.WriteLine("// model: " + description);
        var root = BenchmarkModel.RepoRoot;
        _quiet = new InProcessBidder(root, model, new Dictionary<string, string?> { ["Bidder:LogEvents"] = "false", ["Fleet:Enabled"] = "false" });
        _logging = new InProcessBidder(root, model, events: new DiscardingTransport());
        _kafka = new InProcessBidder(root, model, new Dictionary<string, string?> { ["Kafka:Embedded:Shared"] = "false" });
        _shaded = new InProcessBidder(root, model, events: new DiscardingTransport());
        _shaded.Services.GetRequiredService<ClickPredict.Bidder.Shading.WinRateHolder>().Swap(WinRateModelOf(_shaded.Exchange.Name));
        _engine = _quiet.Services.GetRequiredService<BidEngine>();
        _context = _engine.CreateContext();
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 1 });
        _json = new ReadOnlyMemory<byte>[Requests];
        _msgpack = new ReadOnlyMemory<byte>[Requests];
        _firstPrice = new ReadOnlyMemory<byte>[Requests];
        for (var i = 0; i < Requests; i++)
        {
            // A generous tmax: the benchmark measures the work, not the deadline check's verdict.
            var body = System.Text.Encoding.UTF8.GetString(simulator.Next().ToJson());
            body = System.Text.RegularExpressions.Regex.Replace(body, "\"tmax\":\\d+", "\"tmax\":10000");
            _json[i] = System.Text.Encoding.UTF8.GetBytes(body);
            _msgpack[i] = OpenRtbMessagePack.FromJson(_json[i].Span);
            _firstPrice[i] = System.Text.Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(body, "\"at\":\\d", "\"at\":1"));
        }

        _request = new BidRequest();
        Console.WriteLine($"// {EngineJson()} of {Requests} requests bid; handler: {HandleJsonWithEvents()}; to Kafka: {HandleJsonWithKafka()}; first price under a win-rate model: {HandleJsonFirstPriceShaded()}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _quiet.Dispose();
        _logging.Dispose();
        _kafka.Dispose();
        _shaded.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Requests, Description = "engine (JSON)")]
    public int EngineJson() => Engine(_json, BodyFormat.Json);

    [Benchmark(OperationsPerInvoke = Requests, Description = "engine (MessagePack)")]
    public int EngineMessagePack() => Engine(_msgpack, BodyFormat.MessagePack);

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (JSON), events off")]
    public int HandleJson() => Handle(_quiet, _json, Json);

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (JSON) + events")]
    public int HandleJsonWithEvents() => Handle(_logging, _json, Json);

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (MessagePack) + events")]
    public int HandleMessagePackWithEvents() => Handle(_logging, _msgpack, MessagePack);

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (JSON) + events to Kafka")]
    public int HandleJsonWithKafka() => Handle(_kafka, _json, Json);

    [Benchmark(OperationsPerInvoke = Requests, Description = "handler (JSON) + events, first price under a win-rate model")]
    public int HandleJsonFirstPriceShaded() => Handle(_shaded, _firstPrice, Json);

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

    private static int Handle(InProcessBidder bidder, ReadOnlyMemory<byte>[] bodies, string contentType)
    {
        var bids = 0;
        foreach (var body in bodies)
        {
            bids += bidder.Post(body, contentType) ? 1 : 0;
        }

        // The event log's timer drains every 10 ms; here once per 64 requests, on this thread, so it counts.
        bidder.Events.Flush();
        return bids;
    }

    /// <summary>A win-rate model that trusts <paramref name="exchange"/>: 5,000 outcomes against prices to beat around $1.50, every context the simulator's requests have.</summary>
    private static Core.Shading.WinRateModel WinRateModelOf(string exchange)
    {
        var learner = new Core.Shading.WinRateLearner();
        var key = learner.Track(exchange);
        var random = new Random(3);
        for (var i = 0; i < 5_000; i++)
        {
            var context = new Core.Shading.ShadingContext(key, 300, 250, 0.1 * random.Next(1, 10), random.Next(24), random.Next(1, 8), random.Next(2) == 0);
            var toBeat = Math.Exp(Math.Log(1.5) + (0.4 * (random.NextDouble() - 0.5)));
            var bid = Math.Exp(Math.Log(0.3) + (random.NextDouble() * Math.Log(20)));
            learner.Observe(context, bid, bid >= toBeat, toBeat);
        }

        return learner.ToModel();
    }

    private int Engine(ReadOnlyMemory<byte>[] bodies, BodyFormat format)
    {
        var bids = 0;
        foreach (var body in bodies)
        {
            _context.StartTimestamp = _quiet.Time.GetTimestamp();
            _context.ReceivedUtc = _quiet.Time.GetUtcNow();
            bids += _engine.Process(_context, new ReadOnlySequence<byte>(body), format, _quiet.Exchange) ? 1 : 0;
        }

        return bids;
    }
}
