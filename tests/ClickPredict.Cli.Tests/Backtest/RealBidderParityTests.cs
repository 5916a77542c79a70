extern alias bidder;

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClickPredict.Cli.Backtest;
using ClickPredict.Core.Data;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Simulation;
using ClickPredict.Kafka;
using Confluent.Kafka;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Cli.Tests.Backtest;

/// <summary>
/// Research-production parity with the real bidder: a model the back-test trained is published to the
/// bidder's registry; the bidder (its Program on Kestrel at 127.0.0.1) prices simulated OpenRTB requests
/// and logs its bids to its embedded Kafka broker; those <see cref="BidEvent"/>s, turned into labelled
/// examples and read back through the back-test's path, score to the bidder's logged pCTR, bit for bit.
/// </summary>
public sealed class RealBidderParityTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BidsLoggedByTheRealBidder_ReplayThroughTheBacktest_ToTheLoggedPctrBitForBit()
    {
        using var dir = new TempDirectory();

        // A model trained by the back-test on simulated traffic, with the bidder's spec at 2^18 slots.
        var trainingData = dir.File("train.events");
        CliRunner.Ok("simulate", "--examples", "3000", "--out", trainingData, "--seed", "13", "--sites", "40", "--apps", "20");
        var specPath = CliRunner.SmallSpec(dir, "default");
        var spec = FeatureSpec.Load(specPath);
        var settings = new BacktestSettings
        {
            Data = trainingData,
            Format = DataFormat.Events,
            Specs = [new SpecSource(spec, "default", SpecSource.Baseline, specPath), new SpecSource(spec, "default #2", SpecSource.Candidate, specPath)],
            Resamples = 20,
            TimingBudget = TimeSpan.FromMilliseconds(2),
        };
        var model = new BacktestEngine(settings, NullProgress.Instance).Run().Baseline.Model!;
        model = model.WithInfo(model.Info with { ModelId = "ctr-backtest", Version = 1 });

        // The real bidder serves it as the registry's champion.
        var registry = dir.File("registry");
        new ModelRegistry(registry).Publish(model, "parity test");
        await using var bidder = new Bidder(dir.Path, registry);
        var client = bidder.Client;
        // Ready (model served, today's fleet spend read back): until then every answer is a no-bid.
        var deadline = DateTime.UtcNow + s_patience;
        while (true)
        {
            using var ready = await client.GetAsync("/readyz");
            if (ready.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                break;
            }

            await Task.Delay(20);
        }

        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 77 });
        var bids = 0;
        for (var i = 0; i < 300; i++)
        {
            var body = JsonNode.Parse(simulator.Next().ToJson())!.AsObject();
            body["tmax"] = 10_000;
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.ToJsonString()));
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync("/openrtb2/bid", content);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"status {response.StatusCode}");
            bids += response.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.True(bids > 50, $"only {bids} bids");
        var clients = bidder.Services.GetRequiredService<KafkaClientFactory>();
        var logged = ReadBidEvents(clients, bids);
        Assert.Equal(bids, logged.Count);
        Assert.All(logged, e => Assert.Equal((model.Info.ModelId, model.Spec.FingerprintHex), (e.ModelId, e.SpecFingerprint)));

        // The joiner's examples of those bids, as export-examples writes them, through the back-test's path.
        var events = dir.File("bids.events");
        using (var stream = File.Create(events))
        {
            foreach (var bid in logged)
            {
                EventSerializer.Serialize(stream, new LabeledExample
                {
                    BidId = bid.BidId,
                    BidTimeUnixMs = bid.TimeUnixMs,
                    ImpressionTimeUnixMs = bid.TimeUnixMs,
                    ModelId = bid.ModelId,
                    ModelVersion = bid.ModelVersion,
                    PCtr = bid.PCtr,
                    Schema = bid.Schema,
                    Fields = bid.Fields,
                    SpecFingerprint = bid.SpecFingerprint,
                });
            }
        }

        using var reader = ExampleReader.Open(events, DataFormat.Events);
        var table = ExampleTable.Load(reader);
        var replayed = BacktestScorer.Score(model, table, 0, table.Count);
        for (var i = 0; i < logged.Count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(logged[i].PCtr), BitConverter.DoubleToInt64Bits(replayed[i]));
        }

        Assert.True(logged.Select(e => e.PCtr).Distinct().Count() > logged.Count / 4);
    }

    /// <summary>Every bid event on the bids topic of the bidder's broker (bounded wait).</summary>
    private static List<BidEvent> ReadBidEvents(KafkaClientFactory clients, int expected)
    {
        var config = clients.CreateConsumerConfig("backtest-parity-" + Guid.NewGuid().ToString("N"));
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(Enumerable.Range(0, clients.Options.Partitions).Select(p => new TopicPartitionOffset(clients.Options.Topics.Bids, p, Offset.Beginning)));
        var events = new List<BidEvent>();
        var batch = new List<BatchedBidEvent>();
        var deadline = DateTime.UtcNow + s_patience;
        while (events.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                // A message holds one bid event or a batch of them.
                BidEventBatch.SplitMessage(result.Message.Key, result.Message.Value, batch);
                events.AddRange(batch.Select(e => EventSerializer.Deserialize<BidEvent>(e.Event)));
            }
        }

        consumer.Close();
        return events;
    }

    /// <summary>The bidder's Program on Kestrel at 127.0.0.1 with its own private embedded broker and the given registry.</summary>
    private sealed class Bidder(string directory, string registry) : WebApplicationFactory<bidder::Program>
    {
        private HttpClient? _client;

        // As in the bidder's own test factory: Program must not switch the test host's sockets (InlineSockets).
        static Bidder() => Environment.SetEnvironmentVariable(
            bidder::ClickPredict.Bidder.Hosting.InlineSockets.Variable,
            Environment.GetEnvironmentVariable(bidder::ClickPredict.Bidder.Hosting.InlineSockets.Variable) ?? "0");

        public HttpClient Client => _client ??= Start();

        public override IServiceProvider Services
        {
            get
            {
                _ = Client;
                return base.Services;
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Test");
            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Registry:Path"] = registry,
                ["Registry:DefaultModelPath"] = Path.Combine(directory, "no-default.cpm"),
                ["Admin:Token"] = "parity-test-admin-token-0123456789",
                ["Bidder:PublicBaseUrl"] = "http://127.0.0.1:5080",
                ["Kafka:Embedded:Shared"] = "false",
            }));
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }

        public override async ValueTask DisposeAsync()
        {
            _client?.Dispose();
            try
            {
                await base.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // As in the bidder's own tests: Program's app.Run() and the factory both stop the host.
            }
        }

        private HttpClient Start()
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            StartServer();
            var address = base.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var client = new HttpClient { BaseAddress = new Uri(address) };

            // It bids once it serves the champion and has read the day's fleet spend back: /readyz says when.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                using (var ready = client.GetAsync("/readyz").GetAwaiter().GetResult())
                {
                    if (ready.StatusCode == HttpStatusCode.OK)
                    {
                        return client;
                    }
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("the bidder did not say ready within 60 s");
                }

                Thread.Sleep(10);
            }
        }
    }
}
