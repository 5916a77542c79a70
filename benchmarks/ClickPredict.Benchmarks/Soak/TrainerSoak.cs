using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClickPredict.Core.Events;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;

namespace ClickPredict.Benchmarks.Soak;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/ClickPredict.Benchmarks -- trainer-soak [--auctions N] [--outages K] [--kills K] [--rate N] [--partitions N] [--seed N] [--json] [key=value ...]</c>:
/// the trainer's exactly-once promise under repeated faults. A fixed, seeded stream of auctions
/// (<see cref="SoakAuctions"/>) is logged to the embedded broker (run by this process) at a steady rate and
/// stamped with the wall clock, as the bidders log them, through a producer that holds events through an
/// outage as theirs do; meanwhile the broker is taken down and brought back <c>--outages</c> times, and the
/// trainer, a real child process, is killed with SIGKILL <c>--kills</c> times and restarted from its state
/// directory. Then the trainer finishes what it holds and stops, the examples topic is read back, and the
/// tool prints the examples expected (one per won auction), lost, duplicated and mislabelled (JSON with
/// <c>--json</c>). Exit code 0 when none is lost, duplicated or mislabelled. <c>key=value</c> arguments
/// configure the trainer (e.g. <c>Trainer:Joiner:Consumers=2</c>).
/// </summary>
internal static class TrainerSoak
{
    public static int Run(string[] args)
    {
        var options = SoakOptions.Parse(args);
        var auctions = SoakAuctions.Make(options.Auctions, options.Seed);
        var clock = Stopwatch.StartNew();
        using var cluster = EmbeddedKafkaCluster.Start(1, options.Partitions);
        foreach (var topic in new[] { SoakAuctions.Bids, SoakAuctions.Impressions, SoakAuctions.Clicks, Examples })
        {
            cluster.CreateTopic(topic, options.Partitions);
        }

        var directory = Path.Combine(Path.GetTempPath(), "clickpredict-soak", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var log = Path.Combine(directory, "trainer.log");
        using var trainer = new TrainerProcess(Environment(cluster.BootstrapServers, directory, options.Settings), log);
        trainer.Start();

        var faults = new List<string>();
        var produced = new StrongBox<int>();
        var producing = Task.Run(() => Produce(cluster.BootstrapServers, auctions, options.Rate, produced));
        // Faults at evenly spaced points of the stream, outages and kills taking turns.
        var total = options.Outages + options.Kills;
        int outages = 0, kills = 0;
        for (var f = 1; f <= total; f++)
        {
            var at = (long)auctions.Count * f / (total + 1);
            while (Volatile.Read(ref produced.Value) < at && !producing.IsCompleted)
            {
                Thread.Sleep(10);
            }

            var outage = kills >= options.Kills || (outages < options.Outages && f % 2 == 1);
            var started = clock.Elapsed.TotalSeconds;
            var atAuction = Volatile.Read(ref produced.Value);
            if (outage)
            {
                outages++;
                cluster.SetBrokerDown(-1);
                Thread.Sleep(options.OutageSeconds * 1000);
                cluster.SetBrokerUp(-1);
            }
            else
            {
                kills++;
                trainer.Kill();
                Thread.Sleep(500);
                trainer.Start();
            }

            faults.Add(string.Create(CultureInfo.InvariantCulture, $"{(outage ? "outage" : "kill")} at auction {atAuction:N0} ({started:F1} s, lasting {clock.Elapsed.TotalSeconds - started:F1} s)"));
        }

        producing.GetAwaiter().GetResult();
        var settled = Settle(trainer, cluster.BootstrapServers, auctions.Expected.Count, options.Partitions);
        trainer.Stop();
        var result = Count(cluster.BootstrapServers, options.Partitions, auctions.Expected);
        var report = new SoakReport(
            result.Expected, result.Lost, result.Duplicated, result.Mislabeled, result.Unexpected, auctions.Count, auctions.EventCount, outages, kills,
            options.OutageSeconds, Math.Round(clock.Elapsed.TotalSeconds, 1), settled, faults);
        if (options.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, SoakJsonContext.Default.SoakReport));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Auctions:N0} auctions ({report.Events:N0} events), {outages} outage(s) of {options.OutageSeconds} s, {kills} kill(s), {report.Seconds:F1} s; trainer log {log}"));
            faults.ForEach(f => Console.WriteLine("  " + f));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"expected {report.Expected:N0}, lost {report.Lost:N0}, duplicated {report.Duplicated:N0}, mislabeled {report.Mislabeled:N0}, unexpected {report.Unexpected:N0}{(settled ? string.Empty : " (the trainer did not finish within the wait)")}"));
        }

        var clean = report.Lost == 0 && report.Duplicated == 0 && report.Mislabeled == 0 && report.Unexpected == 0;
        if (clean && !options.Keep)
        {
            Directory.Delete(directory, recursive: true);
        }

        return clean ? 0 : 1;
    }

    private const string Examples = "clickpredict.examples";

    private static Dictionary<string, string> Environment(string bootstrap, string directory, IReadOnlyList<string> settings)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Kafka__BootstrapServers"] = bootstrap,
            ["Kafka__CreateTopics"] = "false",
            ["Kafka__Client__reconnect.backoff.ms"] = "50",
            ["Kafka__Client__reconnect.backoff.max.ms"] = "500",
            // Longer than an outage, so a member keeps its partitions through one (as a member on a real
            // cluster does through a short one); a killed member's partitions come back within it.
            ["Kafka__Client__session.timeout.ms"] = "10000",
            ["Kafka__Client__heartbeat.interval.ms"] = "1000",
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Trainer__StateDirectory"] = Path.Combine(directory, "state"),
            ["Registry__Path"] = Path.Combine(directory, "registry"),
            ["Registry__DefaultModelPath"] = Path.Combine(directory, "none.cpm"),
            // The demo's windows: a few seconds, so the outages outlast them.
            ["Trainer__Joiner__BidWaitSeconds"] = "4",
            ["Trainer__Joiner__WinWaitSeconds"] = "4",
            ["Trainer__Joiner__AttributionWindowSeconds"] = "4",
            ["Trainer__Joiner__IdleAdvanceMs"] = "500",
            ["Trainer__Joiner__CheckpointIntervalMs"] = "1000",
            ["Trainer__Learner__HoldoutExamples"] = "2000",
            ["Trainer__Learner__CheckpointIntervalSeconds"] = "5",
            ["RetrainPolicy__MinNewExamples"] = "1000000000",
        };
        foreach (var setting in settings)
        {
            var (key, value) = (setting[..setting.IndexOf('=', StringComparison.Ordinal)], setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }

    /// <summary>Logs the auctions at <paramref name="rate"/> a second, each event when it happens and stamped then, through a producer that never drops (it holds events through an outage).</summary>
    private static void Produce(string bootstrap, SoakAuctions auctions, int rate, StrongBox<int> produced)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrap,
            EnableIdempotence = true,
            MessageTimeoutMs = 0,
            LingerMs = 20,
            Partitioner = Partitioner.Murmur2Random,
            QueueBufferingMaxMessages = 1_000_000,
            QueueBufferingMaxKbytes = 1_048_576,
        };
        using var producer = new ProducerBuilder<string, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var clock = Stopwatch.StartNew();
        // Win notices and clicks still to happen, by when.
        var later = new PriorityQueue<(string Topic, string Key, byte[] Value), long>();
        for (var i = 0; i < auctions.Count; i++)
        {
            while (i > clock.Elapsed.TotalSeconds * rate)
            {
                Thread.Sleep(1);
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            Due(producer, later, now);
            var bid = auctions.Bid(i, now);
            producer.Produce(bid.Topic, new Message<string, byte[]> { Key = bid.Key, Value = bid.Value });
            foreach (var (at, topic, key, value) in auctions.Outcomes(i, now))
            {
                later.Enqueue((topic, key, value), at);
            }

            Volatile.Write(ref produced.Value, i + 1);
        }

        while (later.Count > 0)
        {
            Thread.Sleep(1);
            Due(producer, later, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        while (producer.Flush(TimeSpan.FromSeconds(10)) > 0)
        {
        }
    }

    private static void Due(IProducer<string, byte[]> producer, PriorityQueue<(string Topic, string Key, byte[] Value), long> later, long now)
    {
        while (later.TryPeek(out var next, out var at) && at <= now)
        {
            later.Dequeue();
            producer.Produce(next.Topic, new Message<string, byte[]> { Key = next.Key, Value = next.Value });
        }
    }

    /// <summary>Waits until the examples topic holds the expected count and the trainer holds no auction (at most 3 minutes); returns whether it did.</summary>
    private static bool Settle(TrainerProcess trainer, string bootstrap, int expected, int partitions)
    {
        var waited = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "soak-ends" }).SetLogHandler((_, _) => { }).Build();
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            var written = Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(Examples, p), TimeSpan.FromSeconds(5)).High.Value);
            if (written >= expected && trainer.Status() is { } status && status.GetProperty("joinerPending").GetInt64() == 0)
            {
                return true;
            }

            Thread.Sleep(200);
        }

        return false;
    }

    private static (int Expected, int Lost, int Duplicated, int Mislabeled, int Unexpected) Count(string bootstrap, int partitions, Dictionary<string, bool> expected)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var mislabeled = 0;
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "soak-read", EnableAutoCommit = false }).SetLogHandler((_, _) => { }).Build();
        for (var p = 0; p < partitions; p++)
        {
            var tp = new TopicPartition(Examples, p);
            var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
            consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
            long next = 0;
            while (next < end)
            {
                var result = consumer.Consume(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException($"{Examples} partition {p} stopped short of offset {end}");
                next = result.Offset.Value + 1;
                var example = EventSerializer.Deserialize<LabeledExample>(result.Message.Value);
                seen[example.BidId] = seen.GetValueOrDefault(example.BidId) + 1;
                if (expected.TryGetValue(example.BidId, out var clicked) && clicked != example.Clicked)
                {
                    mislabeled++;
                }
            }
        }

        var lost = expected.Keys.Count(id => !seen.ContainsKey(id));
        var duplicated = seen.Where(s => expected.ContainsKey(s.Key)).Sum(s => s.Value - 1);
        var unexpected = seen.Where(s => !expected.ContainsKey(s.Key)).Sum(s => s.Value);
        return (expected.Count, lost, duplicated, mislabeled, unexpected);
    }
}
