using System.Text.Json;
using ClickPredict.Cli.Commands;
using ClickPredict.Core.Data;
using ClickPredict.Core.Events;
using ClickPredict.Core.Simulation;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Cli.Tests;

/// <summary>export-examples against the embedded broker (librdkafka's mock cluster), found by discovery.</summary>
public class ExportExamplesTests
{
    private const string Topic = "clickpredict.examples";

    /// <summary>A broker of this process, advertised in a private discovery directory, with <paramref name="examples"/> on the examples topic in shuffled order.</summary>
    private static (EmbeddedKafkaBroker Broker, List<LabeledExample> Examples) BrokerWith(TempDirectory discovery, int examples)
    {
        var options = new KafkaOptions { Embedded = { DiscoveryDirectory = discovery.Path } };
        var broker = EmbeddedKafkaBroker.Acquire(options);
        Assert.True(broker.IsOwner);
        var simulated = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 21, OutcomeSeed = 22 }));
        var list = Enumerable.Range(0, examples).Select(_ => simulated.Next()).ToList();
        var shuffled = list.OrderBy(e => Core.Hashing.MurmurHash3.Hash32(System.Text.Encoding.UTF8.GetBytes(e.BidId), 7)).ToList();

        var clients = new KafkaClientFactory(Options.Create(options), logger: null, broker);
        using var producer = new ProducerBuilder<string, byte[]>(clients.CreateProducerConfig()).Build();
        foreach (var example in shuffled)
        {
            producer.Produce(Topic, new Message<string, byte[]> { Key = example.BidId, Value = EventSerializer.Serialize(example) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return (broker, list);
    }

    private static List<LabeledExample> ReadEvents(string path)
    {
        using var reader = (EventExampleReader)ExampleReader.Open(path, DataFormat.Events);
        var list = new List<LabeledExample>();
        while (reader.Read())
        {
            list.Add(reader.Current!);
        }

        return list;
    }

    [Fact]
    public void ExportExamples_CopiesTheTopicFromTheEmbeddedBroker_InBidTimeOrder()
    {
        using var discovery = new TempDirectory();
        using var dir = new TempDirectory();
        var (broker, produced) = BrokerWith(discovery, 600);
        using (broker)
        {
            var file = dir.File("examples.events");
            var output = CliRunner.Ok("export-examples", "--out", file, "--discovery-directory", discovery.Path, "--timeout", "30");
            Assert.Contains("wrote 600 examples", output);
            Assert.Contains("4 partition(s) of clickpredict.examples", output);

            var exported = ReadEvents(file);
            Assert.Equal(600, exported.Count);
            Assert.Equal(exported.OrderBy(e => e.BidTimeUnixMs).ThenBy(e => e.BidId, StringComparer.Ordinal).Select(e => e.BidId), exported.Select(e => e.BidId));
            var byId = produced.ToDictionary(e => e.BidId);
            foreach (var e in exported)
            {
                var original = byId[e.BidId];
                Assert.Equal(original.Clicked, e.Clicked);
                Assert.Equal(original.Fields, e.Fields);
                Assert.Equal(original.TrueCtr, e.TrueCtr);
            }

            // A time window keeps the examples whose bid time is in [from, to).
            var from = produced[100].BidTimeUnixMs;
            var to = produced[300].BidTimeUnixMs;
            var window = dir.File("window.events");
            CliRunner.Ok("export-examples", "--out", window, "--discovery-directory", discovery.Path, "--from", from.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--to", DateTimeOffset.FromUnixTimeMilliseconds(to).UtcDateTime.ToString("O"));
            var expected = produced.Where(e => e.BidTimeUnixMs >= from && e.BidTimeUnixMs < to).Select(e => e.BidId).Order(StringComparer.Ordinal);
            Assert.Equal(expected, ReadEvents(window).Select(e => e.BidId).Order(StringComparer.Ordinal));

            // The export is what backtest --format events reads.
            var spec = CliRunner.SmallSpec(dir, "default");
            var json = JsonDocument.Parse(CliRunner.Ok("backtest", "--data", file, "--format", "events", "--baseline", spec,
                "--candidate", spec, "--bootstrap", "20", "--timing-ms", "2", "--json")).RootElement;
            Assert.Equal(600, json.GetProperty("rows").GetInt32());
        }
    }

    [Fact]
    public void ExportExamples_ByAddress_MissingTopic_AndNoBroker_AreOneLineErrors()
    {
        using var discovery = new TempDirectory();
        using var dir = new TempDirectory();
        var (broker, _) = BrokerWith(discovery, 50);
        using (broker)
        {
            // By address instead of discovery.
            var file = dir.File("by-address.events");
            Assert.Contains("wrote 50 examples", CliRunner.Ok("export-examples", "--out", file, "--bootstrap-servers", broker.BootstrapServers));

            var (exit, output, error) = CliRunner.Run("export-examples", "--out", dir.File("none.events"), "--bootstrap-servers", broker.BootstrapServers, "--topic", "no.such.topic");
            Assert.Equal(1, exit);
            Assert.Equal(string.Empty, output);
            Assert.Contains("topic 'no.such.topic' does not exist", error);
            Assert.Contains("clickpredict.examples", error);
            Assert.False(File.Exists(dir.File("none.events")));
        }

        using var empty = new TempDirectory();
        var (code, _, message) = CliRunner.Run("export-examples", "--out", dir.File("none.events"), "--discovery-directory", empty.Path);
        Assert.Equal(1, code);
        Assert.StartsWith("error: no embedded Kafka broker is running", message);
        Assert.Single(message.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(dir.File("none.events")));
        Assert.False(File.Exists(Path.Combine(empty.Path, "kafka-embedded.json")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Theory]
    [InlineData("1700000000000", 1_700_000_000_000)]
    [InlineData("2023-11-14T22:13:20Z", 1_700_000_000_000)]
    [InlineData("2023-11-14T23:13:20+01:00", 1_700_000_000_000)]
    [InlineData("2023-11-14 22:13:20", 1_700_000_000_000)]
    public void ParseTime_AcceptsIsoAndUnixMilliseconds(string text, long unixMs) =>
        Assert.Equal(unixMs, ExportExamplesCommand.ParseTime(text, "--from")!.Value.ToUnixTimeMilliseconds());

    [Fact]
    public void ParseTime_RefusesOtherText_AndTheWindowMustBeOrdered()
    {
        var e = Assert.Throws<CliException>(() => ExportExamplesCommand.ParseTime("yesterday", "--from"));
        Assert.Contains("--from 'yesterday' is not a time", e.Message);
        Assert.Null(ExportExamplesCommand.ParseTime(null, "--from"));

        using var dir = new TempDirectory();
        var (code, _, error) = CliRunner.Run("export-examples", "--out", dir.File("x.events"), "--from", "2024-01-02", "--to", "2024-01-01");
        Assert.Equal(1, code);
        Assert.Contains("must be after --from", error);
    }
}
