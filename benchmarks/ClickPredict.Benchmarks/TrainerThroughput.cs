using System.Diagnostics;
using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Simulation;
using ClickPredict.Kafka.Embedded;
using ClickPredict.ServiceDefaults;
using ClickPredict.Trainer.Hosting;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/ClickPredict.Benchmarks -- trainer-throughput [auctions] [events/s]</c>:
/// end-to-end throughput of the trainer's joiner and learner together, through the embedded broker.
/// The trainer starts (wired as Program.cs wires it); then simulated auctions (a bid each; half of them
/// won, with a win notice; clicks from the hidden CTR) are logged to the bids, impressions and clicks
/// topics at the offered rate, as the bidder would, while the clock runs until the learner has read every
/// example the joiner emitted. The trainer sustains the rate when it finishes about when logging does and
/// loses nothing (exit code 0: every won auction joined, emitted once and learned). Input events per
/// second = (bids + impressions + clicks) / that time, the last auctions' attribution window included.
/// Not a BenchmarkDotNet benchmark: a streaming system's rate, measured once per invocation.
/// </summary>
internal static class TrainerThroughput
{
    public static int Run(string[] args)
    {
        var auctions = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 300_000;
        var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var events = Simulate(auctions);
        var examples = events.Count(e => e.Topic == Impressions);
        using var cluster = EmbeddedKafkaCluster.Start(1, 4);
        foreach (var topic in new[] { Bids, Impressions, Clicks, "clickpredict.examples" })
        {
            cluster.CreateTopic(topic, 4);
        }

        var directory = Path.Combine(Path.GetTempPath(), "clickpredict-throughput", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddServiceDefaults();
            builder.AddTrainer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
                ["Kafka:CreateTopics"] = "false",
                // The examples the joiner writes are compressed like the logged events (see Produce).
                ["Kafka:Client:compression.type"] = "lz4",
                ["Trainer:StateDirectory"] = Path.Combine(directory, "state"),
                ["Registry:Path"] = Path.Combine(directory, "registry"),
                // Auctions are 1 ms apart in event time; short windows keep the tail (closed by the idle clock) short.
                ["Trainer:Joiner:AttributionWindowSeconds"] = "1",
                ["Trainer:Joiner:WinWaitSeconds"] = "1",
                ["Trainer:Joiner:BidWaitSeconds"] = "1",
                ["Trainer:Joiner:IdleAdvanceMs"] = "100",
                ["RetrainPolicy:MinNewExamples"] = "1000000000",
            });
            // Further settings from the command line, e.g. Kafka:Client:fetch.wait.max.ms=10.
            builder.Configuration.AddInMemoryCollection(args.Skip(2).Select(a => a.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])));
            using var app = builder.Build();
            app.MapServiceDefaults();
            var status = app.Services.GetRequiredService<TrainerStatus>();
            app.StartAsync().GetAwaiter().GetResult();
            var ready = Stopwatch.StartNew();
            while ((status.JoinerPartitions < 4 || status.LearnerRunning != true) && ready.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(10);
            }

            var cpu = Environment.CpuUsage.TotalTime;
            var clock = Stopwatch.StartNew();
            var linger = int.Parse(app.Configuration["Kafka:Producer:LingerMs"] ?? "5", CultureInfo.InvariantCulture);
            var producing = Task.Run(() => Produce(cluster.BootstrapServers, events, rate, linger));
            double joined = 0;
            while (status.ExamplesConsumed < examples && clock.Elapsed < TimeSpan.FromSeconds(Math.Max(60, 4.0 * events.Count / rate)))
            {
                if (joined == 0 && status.ExamplesEmitted >= examples)
                {
                    joined = clock.Elapsed.TotalSeconds;
                }

                Thread.Sleep(2);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var produced = producing.GetAwaiter().GetResult();
            var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{auctions:N0} auctions: {events.Count:N0} input events (bids, win notices, clicks), {examples:N0} examples; offered at {rate:N0} events/s, logging took {produced:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"joiner emitted every example after {joined:F2} s; learner had read every one after {seconds:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput: {events.Count / seconds:N0} input events/s ({examples / seconds:N0} examples/s) joined and learned end to end; process CPU {cpuSeconds:F1} s ({cpuSeconds / seconds:F2} of 2 cores, the logging producer included)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learner: {status.ExamplesConsumed:N0} examples read, {status.ExamplesLearned:N0} learned; joiner emitted {status.ExamplesEmitted:N0}; failure: {status.Failure ?? "none"}"));
            app.StopAsync().GetAwaiter().GetResult();
            return status.ExamplesConsumed == examples && status.ExamplesEmitted == examples ? 0 : 1;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private const string Bids = "clickpredict.bids", Impressions = "clickpredict.impressions", Clicks = "clickpredict.clicks";

    /// <summary>The events of <paramref name="auctions"/> simulated auctions, in logging order, serialised.</summary>
    private static List<(string Topic, string Key, byte[] Value)> Simulate(int auctions)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 9, OutcomeSeed = 10 }));
        var outcomes = new Random(9);
        var start = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var events = new List<(string, string, byte[])>(auctions * 2);
        for (var i = 0; i < auctions; i++)
        {
            var example = examples.Next();
            var bidId = "b" + i.ToString("x8", CultureInfo.InvariantCulture);
            var time = start + i;
            events.Add((Bids, bidId, EventSerializer.Serialize(new BidEvent
            {
                BidId = bidId,
                RequestId = bidId,
                ImpId = "1",
                TimeUnixMs = time,
                ModelId = "ctr",
                ModelVersion = 1,
                PCtr = 0.05,
                PriceCpm = 1.5m,
                CreativeId = example.Fields.GetValueOrDefault("creative.id", string.Empty),
                Fields = example.Fields,
            })));
            if (outcomes.NextDouble() < 0.5)
            {
                events.Add((Impressions, bidId, EventSerializer.Serialize(new ImpressionEvent { BidId = bidId, TimeUnixMs = time + 20, ClearingPriceCpm = 1.1m })));
                if (example.Clicked)
                {
                    events.Add((Clicks, bidId, EventSerializer.Serialize(new ClickEvent { BidId = bidId, TimeUnixMs = time + 300 })));
                }
            }
        }

        return events;
    }

    /// <summary>Logs <paramref name="events"/> at <paramref name="rate"/> per second, as the bidder would; returns the seconds it took.</summary>
    private static double Produce(string bootstrapServers, List<(string Topic, string Key, byte[] Value)> events, int rate, int linger)
    {
        // The bidder's producer settings (KafkaClientFactory.CreateProducerConfig: murmur2 keys, Kafka:Producer:LingerMs),
        // plus lz4: the embedded broker keeps only the newest 5 MB of each partition, and compression
        // keeps a lagging consumer's unread events within that.
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Partitioner = Partitioner.Murmur2Random,
            LingerMs = linger,
            CompressionType = CompressionType.Lz4,
            QueueBufferingMaxMessages = 1_000_000,
        }).Build();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events.Count; i++)
        {
            // Pace in 1 ms steps: never ahead of the offered rate.
            while (i > clock.Elapsed.TotalSeconds * rate)
            {
                Thread.Sleep(1);
            }

            var (topic, key, value) = events[i];
            Send(producer, topic, key, value);
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        return clock.Elapsed.TotalSeconds;
    }

    private static void Send(IProducer<string, byte[]> producer, string topic, string key, byte[] value)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }
}
