using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Simulation;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Embedded;
using ClickPredict.ServiceDefaults;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/ClickPredict.Benchmarks -- trainer-throughput [auctions] [events/s] [partitions] [key=value ...]</c>:
/// end-to-end throughput of the trainer's joiner and learner together, through the embedded broker.
/// The trainer starts (wired as Program.cs wires it); then simulated auctions (a bid each; half of them
/// won, with a win notice; clicks from the hidden CTR) are logged to the bids, impressions and clicks
/// topics at the offered rate, as the bidder would, while the clock runs until the learner has read every
/// example the joiner emitted. The trainer sustains the rate when it finishes about when logging does and
/// loses nothing (exit code 0: every won auction joined, emitted once and learned). Input events per
/// second = (bids + impressions + clicks) / that time, the last auctions' attribution window included;
/// also printed: when the joiner had read every input event, why auctions ended without an example
/// (the joiner's counters), each thread's CPU time and run-queue wait, and what the broker's retention
/// evicted. Partitions per topic default to <see cref="DefaultPartitions"/>; <c>key=value</c> arguments
/// are configuration (e.g. <c>Kafka:Producer:LingerMs=50</c>, <c>Kafka:Client:fetch.wait.max.ms=5</c>;
/// <c>Kafka:Client:*</c> reaches the logging producer too, built by the product's
/// <see cref="KafkaClientFactory.CreateProducerConfig"/>).
/// Not a BenchmarkDotNet benchmark: a streaming system's rate, measured once per invocation.
/// </summary>
internal static class TrainerThroughput
{
    public static int Run(string[] args)
    {
        if (!System.Runtime.GCSettings.IsServerGC)
        {
            // The trainer runs with server GC (the Web SDK's default, in its runtimeconfig); this tool's own
            // process does not, so it runs itself again with it, or the figures would be of another collector.
            return RunAgainWithServerGc(args);
        }

        // --backlog: log everything first, then time the trainer draining it (see RunBacklog).
        var backlog = args.Contains("--backlog");
        args = [.. args.Where(a => a != "--backlog")];
        var (auctions, rate, partitions, settings) = ParseArguments(args);
        var events = Simulate(auctions, rate);
        var examples = events.Count(e => e.Topic == Impressions);
        using var cluster = EmbeddedKafkaCluster.Start(1, partitions);
        foreach (var topic in new[] { Bids, Impressions, Clicks, "clickpredict.examples" })
        {
            cluster.CreateTopic(topic, partitions);
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
                // Event time runs as the logging schedule does (see Simulate); short windows keep the tail
                // (the last auctions' windows, closed by the idle clock) short.
                ["Trainer:Joiner:AttributionWindowSeconds"] = "1",
                ["Trainer:Joiner:WinWaitSeconds"] = "1",
                ["Trainer:Joiner:BidWaitSeconds"] = "1",
                ["Trainer:Joiner:IdleAdvanceMs"] = "100",
                ["RetrainPolicy:MinNewExamples"] = "1000000000",
            });
            // Further settings from the command line, e.g. Kafka:Client:fetch.wait.max.ms=10.
            builder.Configuration.AddInMemoryCollection(settings.Select(a => a.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])));
            using var app = builder.Build();
            app.MapServiceDefaults();
            var status = app.Services.GetRequiredService<TrainerStatus>();
            if (backlog)
            {
                // Every event is in the topics before the trainer starts: it reads a backlog, with no producer beside it.
                var logged = Produce(app.Services.GetRequiredService<KafkaClientFactory>().CreateProducerConfig(), events, int.MaxValue);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"backlog: {events.Count:N0} events logged in {logged:F2} s before the trainer started"));
            }

            // Listening before the start: in backlog mode the joiner reads from its first moment, and an event
            // counted before the listener exists would never be seen (the joiner would seem never to finish).
            using var joinerCounts = new JoinerCounts();
            app.StartAsync().GetAwaiter().GetResult();
            var ready = Stopwatch.StartNew();
            // The joiner's members own every partition number between them (the bids, impressions and clicks partitions of that number together).
            while ((status.JoinerPartitions < partitions || status.LearnerRunning != true) && ready.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(10);
            }

            if (backlog)
            {
                return RunBacklog(app, status, joinerCounts, events, examples, partitions, settings);
            }

            var cpu = Environment.CpuUsage.TotalTime;
            var threadsBefore = ThreadCpu.Snapshot();
            var clock = Stopwatch.StartNew();
            var producerConfig = app.Services.GetRequiredService<KafkaClientFactory>().CreateProducerConfig();
            var producing = Task.Run(() => Produce(producerConfig, events, rate));
            double joined = 0, read = 0;
            while (status.ExamplesConsumed < examples && clock.Elapsed < TimeSpan.FromSeconds(Math.Max(60, 4.0 * events.Count / rate)))
            {
                if (read == 0 && joinerCounts.Read >= events.Count)
                {
                    read = clock.Elapsed.TotalSeconds;
                }

                if (joined == 0 && status.ExamplesEmitted >= examples)
                {
                    joined = clock.Elapsed.TotalSeconds;
                }

                Thread.Sleep(2);
            }

            var seconds = clock.Elapsed.TotalSeconds;
            var produced = producing.GetAwaiter().GetResult();
            var cpuSeconds = (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
            var threads = ThreadCpu.Since(threadsBefore, joinerCounts.ThreadNames);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{auctions:N0} auctions: {events.Count:N0} input events (bids, win notices, clicks), {examples:N0} examples; {partitions} partitions per topic; offered at {rate:N0} events/s, logging took {produced:F2} s"));
            Console.WriteLine("settings: " + (settings.Count == 0 ? "defaults" : string.Join(' ', settings)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"joiner had read every input event after {read:F2} s ({(read > 0 ? events.Count / read : 0):N0} events/s), emitted every example after {joined:F2} s; learner had read every one after {seconds:F2} s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"throughput: {events.Count / seconds:N0} input events/s ({examples / seconds:N0} examples/s) joined and learned end to end; process CPU {cpuSeconds:F1} s ({cpuSeconds / seconds:F2} of 2 cores, the logging producer included)"));
            return Finish(app, status, joinerCounts, examples, partitions, "by thread, seconds on a CPU / runnable but waiting for one: ", threads.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:F2}/{t.WaitSeconds:F2}")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Leading numbers are positional (auctions, events/s, partitions, with defaults); key=value arguments are settings.</summary>
    private static (int Auctions, int Rate, int Partitions, List<string> Settings) ParseArguments(string[] args)
    {
        var numbers = args.TakeWhile(a => !a.Contains('=', StringComparison.Ordinal)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToList();
        return (
            numbers.Count > 0 ? numbers[0] : 300_000,
            numbers.Count > 1 ? numbers[1] : 100_000,
            numbers.Count > 2 ? numbers[2] : DefaultPartitions,
            [.. args.Skip(numbers.Count)]);
    }

    private static int RunAgainWithServerGc(string[] args)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            // Started as `dotnet ClickPredict.Benchmarks.dll ...` rather than through the app host.
            start.ArgumentList.Add(typeof(TrainerThroughput).Assembly.Location);
        }

        start.ArgumentList.Add("trainer-throughput");
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_gcServer"] = "1";
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>Share of the input events the joiner reads before the steady-state clock starts (JIT tiering, buffers, the first checkpoints).</summary>
    private const double WarmUpShare = 0.2;

    /// <summary>
    /// <c>trainer-throughput --backlog</c>: the trainer drains events logged before it started, so no
    /// logging producer shares the machine with it (in production the bidders log from other machines).
    /// The steady-state clock runs from when the joiner has read <see cref="WarmUpShare"/> of the events
    /// until it has read the last one; over that span it prints the joiner's input rate, the learner's
    /// example rate against the examples that input yields, and CPU per input event by thread. The
    /// sustained rate is the lower of the joiner's rate and the learner's in input events' worth. The
    /// end-to-end time also includes the warm-up and the last auctions' windows, which close on the idle
    /// clock once the input has run out.
    /// </summary>
    private static int RunBacklog(WebApplication app, TrainerStatus status, JoinerCounts joinerCounts, List<(string Topic, string Key, byte[] Value)> events, int examples, int partitions, List<string> settings)
    {
        using var allocations = new AllocationSampler();
        var clock = Stopwatch.StartNew();
        var warmUp = (long)(events.Count * WarmUpShare);
        double startSeconds = 0, endSeconds = 0;
        long startRead = 0, startLearned = 0, endRead = 0, endLearned = 0;
        var startCpu = Environment.CpuUsage.TotalTime;
        var endCpu = startCpu;
        Dictionary<int, (string Name, long RunNs, long WaitNs)> startThreads = [];
        List<(string Name, double Seconds, double WaitSeconds)> threads = [];
        (long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused) startGc = default, endGc = default;
        double total = 0;
        var limit = TimeSpan.FromSeconds(Math.Max(120, events.Count / 10_000.0));
        // Until the learner has read every example and the joiner's count of events read (added once a
        // tick) has reached the last one: with a fast joiner the learner can finish first.
        while ((total == 0 || (startSeconds > 0 && endSeconds == 0)) && clock.Elapsed < limit)
        {
            if (total == 0 && status.ExamplesConsumed >= examples)
            {
                total = clock.Elapsed.TotalSeconds;
            }

            var read = joinerCounts.Read;
            if (startSeconds == 0 && read >= warmUp)
            {
                (startSeconds, startRead, startLearned) = (clock.Elapsed.TotalSeconds, read, status.ExamplesConsumed);
                startCpu = Environment.CpuUsage.TotalTime;
                startThreads = ThreadCpu.Snapshot();
                allocations.Start();
                startGc = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            }
            else if (startSeconds > 0 && endSeconds == 0 && read >= events.Count)
            {
                (endSeconds, endRead, endLearned) = (clock.Elapsed.TotalSeconds, read, status.ExamplesConsumed);
                endCpu = Environment.CpuUsage.TotalTime;
                threads = ThreadCpu.Since(startThreads, joinerCounts.ThreadNames);
                allocations.Stop();
                endGc = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
            }

            Thread.Sleep(2);
        }

        total = total > 0 ? total : clock.Elapsed.TotalSeconds;
        var span = endSeconds - startSeconds;
        var eventsRead = endRead - startRead;
        var learned = endLearned - startLearned;
        var examplesPerEvent = (double)examples / events.Count;
        var joinerRate = eventsRead / span;
        var learnerRate = learned / span;
        var sustained = Math.Min(joinerRate, learnerRate / examplesPerEvent);
        var cpuSeconds = (endCpu - startCpu).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{events.Count:N0} input events (bids, win notices, clicks), {examples:N0} examples ({examplesPerEvent:F3} per event); {partitions} partitions per topic"));
        Console.WriteLine("settings: " + (settings.Count == 0 ? "defaults" : string.Join(' ', settings)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steady state ({startSeconds:F2} s to {endSeconds:F2} s, after the first {WarmUpShare:P0} of events until the joiner had read the last): joiner read {eventsRead:N0} events ({joinerRate:N0}/s), learner read {learned:N0} examples ({learnerRate:N0}/s = {learnerRate / examplesPerEvent:N0} input events' worth/s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sustained: {sustained:N0} input events/s joined and learned; process CPU {cpuSeconds:F2} s ({cpuSeconds / span:F2} of 2 cores), {cpuSeconds * 1e6 / eventsRead:F1} us per input event"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"steady-state garbage collection ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC): {(endGc.Allocated - startGc.Allocated) / (double)eventsRead:N0} bytes allocated per input event; collections gen0 {endGc.Gen0 - startGc.Gen0}, gen1 {endGc.Gen1 - startGc.Gen1}, gen2 {endGc.Gen2 - startGc.Gen2}; paused {(endGc.Paused - startGc.Paused).TotalSeconds:F2} s; bytes by type (sampled): {allocations.Describe(8)}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end to end: learner had read every example after {total:F2} s ({events.Count / total:N0} input events/s, warm-up and the last windows' idle close included)"));
        return Finish(app, status, joinerCounts, examples, partitions, "steady state by thread, seconds on a CPU / runnable but waiting for one (us CPU per input event): ", threads.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:F2}/{t.WaitSeconds:F2} ({t.Seconds * 1e6 / eventsRead:F1})")));
    }

    /// <summary>The report's last lines (what was read and learned, why auctions made no example, threads, retention), then the stop; exit code 0 when every won auction was emitted once and read.</summary>
    private static int Finish(WebApplication app, TrainerStatus status, JoinerCounts joinerCounts, int examples, int partitions, string threadsTitle, IEnumerable<string> threads)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"learner: {status.ExamplesConsumed:N0} examples read, {status.ExamplesLearned:N0} learned; joiner emitted {status.ExamplesEmitted:N0}; failure: {status.Failure ?? "none"}"));
        Console.WriteLine("joiner, events not accepted and auctions without an example: " + joinerCounts.Describe());
        var byThread = string.Join(", ", threads);
        if (byThread.Length > 0)
        {
            Console.WriteLine(threadsTitle + byThread);
        }

        Console.WriteLine("events evicted by the broker's per-partition retention (read first or not: the exit code says whether any was lost): " + DroppedByRetention(app.Services.GetRequiredService<KafkaClientFactory>(), partitions));
        app.StopAsync().GetAwaiter().GetResult();
        return status.ExamplesConsumed == examples && status.ExamplesEmitted == examples ? 0 : 1;
    }

    /// <summary>
    /// <c>broker-throughput [auctions] [events/s] [partitions] [key=value ...]</c>: the same events, logged
    /// the same way, read by a plain consumer of the three input topics that only counts them (no trainer):
    /// how fast the embedded broker and a librdkafka consumer deliver them, the ceiling any joiner has on it.
    /// Settings as for <c>trainer-throughput</c> (<c>Kafka:Producer:*</c>, <c>Kafka:Client:*</c>).
    /// </summary>
    public static int RunBrokerOnly(string[] args)
    {
        var (auctions, rate, partitions, settings) = ParseArguments(args);
        var events = Simulate(auctions, rate);
        using var cluster = EmbeddedKafkaCluster.Start(1, partitions);
        foreach (var topic in new[] { Bids, Impressions, Clicks })
        {
            cluster.CreateTopic(topic, partitions);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
            ["Kafka:Client:compression.type"] = "lz4",
        }).AddInMemoryCollection(settings.Select(a => a.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1]))).Build();
        var options = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>() ?? new KafkaOptions();
        var clients = new KafkaClientFactory(Microsoft.Extensions.Options.Options.Create(options));
        using var consumer = new ConsumerBuilder<string, byte[]>(clients.CreateConsumerConfig("broker-throughput")).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe([Bids, Impressions, Clicks]);
        var ready = Stopwatch.StartNew();
        while (consumer.Assignment.Count < 3 * partitions && ready.Elapsed < TimeSpan.FromSeconds(30))
        {
            consumer.Consume(10);
        }

        var threadsBefore = ThreadCpu.Snapshot();
        var clock = Stopwatch.StartNew();
        var producing = Task.Run(() => Produce(clients.CreateProducerConfig(), events, rate));
        long read = 0, bytes = 0;
        while (read < events.Count && clock.Elapsed < TimeSpan.FromSeconds(Math.Max(60, 4.0 * events.Count / rate)))
        {
            var result = consumer.Consume(100);
            if (result?.Message is { } message)
            {
                read++;
                bytes += message.Value.Length;
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var produced = producing.GetAwaiter().GetResult();
        var threads = ThreadCpu.Since(threadsBefore, []);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{events.Count:N0} input events ({bytes / Math.Max(1, read):N0} B each on average), {partitions} partitions per topic; offered at {rate:N0} events/s, logging took {produced:F2} s"));
        Console.WriteLine("settings: " + (settings.Count == 0 ? "defaults" : string.Join(' ', settings)));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"a plain consumer read {read:N0} of them after {seconds:F2} s: {read / seconds:N0} events/s"));
        Console.WriteLine("by thread, seconds on a CPU / runnable but waiting for one: " + string.Join(", ", threads.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:F2}/{t.WaitSeconds:F2}"))));
        consumer.Close();
        return read == events.Count ? 0 : 1;
    }

    /// <summary>
    /// Partitions of each topic when the command line gives none: 16, not the product's 4, because the
    /// embedded broker keeps only the newest 5 MB of each partition, and with 4 a joiner lagging a few
    /// seconds behind this run's logging is within reach of losing bids (docs/BENCHMARKS.md); 16 give four
    /// times the room at no measurable cost in throughput.
    /// </summary>
    private const int DefaultPartitions = 16;

    private const string Bids = "clickpredict.bids", Impressions = "clickpredict.impressions", Clicks = "clickpredict.clicks";

    /// <summary>
    /// Tallies the trainer's <c>clickpredict.trainer.joiner.events</c> counter (outcomes other than
    /// accepted) and <c>clickpredict.trainer.joiner.unmatched</c> (by kind): why an example is missing.
    /// </summary>
    private sealed class JoinerCounts : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
        private long _read;
        // Every thread that recorded joiner events: one per member of the group (Trainer:Joiner:Consumers).
        private readonly ConcurrentDictionary<int, byte> _joinerThreads = new();
        private int _learnerThread;

        public JoinerCounts()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TrainerMetrics.MeterName && instrument.Name is "clickpredict.trainer.joiner.events" or "clickpredict.trainer.joiner.unmatched" or "clickpredict.trainer.learner.examples")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                // Counters are recorded on the thread doing the work: that names the joiner's and the learner's threads.
                if (instrument.Name == "clickpredict.trainer.learner.examples")
                {
                    Volatile.Write(ref _learnerThread, ThreadCpu.CurrentThreadId());
                    return;
                }

                var key = instrument.Name[(instrument.Name.LastIndexOf('.') + 1)..];
                if (key == "events")
                {
                    _joinerThreads.TryAdd(ThreadCpu.CurrentThreadId(), 0);
                    Interlocked.Add(ref _read, value);
                }

                foreach (var tag in tags)
                {
                    key += " " + tag.Value;
                }

                if (!key.EndsWith(" accepted", StringComparison.Ordinal))
                {
                    _counts.AddOrUpdate(key, value, (_, old) => old + value);
                }
            });
            _listener.Start();
        }

        /// <summary>Names of the joiner's and the learner's threads (by their OS thread id), as seen so far.</summary>
        public Dictionary<int, string> ThreadNames
        {
            get
            {
                var joiners = _joinerThreads.Keys.Order().ToList();
                var names = joiners.Select((id, i) => (id, joiners.Count == 1 ? "joiner" : $"joiner {i + 1}")).ToDictionary(t => t.id, t => t.Item2);
                names[Volatile.Read(ref _learnerThread)] = "learner";
                return names;
            }
        }

        /// <summary>Input events the joiner has read, whatever became of them.</summary>
        public long Read => Interlocked.Read(ref _read);

        public string Describe() => _counts.IsEmpty
            ? "none"
            : string.Join(", ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:N0}")));

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Per topic, the events the broker no longer holds (the sum of its partitions' low watermarks).</summary>
    private static string DroppedByRetention(KafkaClientFactory clients, int partitions)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(clients.CreateConsumerConfig("throughput-watermarks")).Build();
        return string.Join(", ", new[] { Bids, Impressions, Clicks, "clickpredict.examples" }.Select(topic =>
        {
            var dropped = Enumerable.Range(0, partitions)
                .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).Low.Value);
            return string.Create(CultureInfo.InvariantCulture, $"{topic} {dropped:N0}");
        }));
    }

    /// <summary>
    /// The events of <paramref name="auctions"/> simulated auctions, in logging order, serialised. An
    /// auction's bid is timed when the logging schedule (<paramref name="rate"/> events per second) logs it,
    /// so event time and wall time advance together, as in production, and the joiner's windows (event
    /// time) last as long as they say. The win notice follows 20 ms later, a click 300 ms later, and
    /// both are logged with their auction.
    /// </summary>
    private static List<(string Topic, string Key, byte[] Value)> Simulate(int auctions, int rate)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 9, OutcomeSeed = 10 }));
        var outcomes = new Random(9);
        var start = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var events = new List<(string, string, byte[])>(auctions * 2);
        for (var i = 0; i < auctions; i++)
        {
            var example = examples.Next();
            var bidId = "b" + i.ToString("x8", CultureInfo.InvariantCulture);
            var time = start + (long)(events.Count * 1000.0 / rate);
            events.Add((Bids, bidId, Soak.SoakAuctions.BidBytes(bidId, example.Fields, time)));
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
    private static double Produce(ProducerConfig config, List<(string Topic, string Key, byte[] Value)> events, int rate)
    {
        // The bidder's producer settings (KafkaClientFactory.CreateProducerConfig: murmur2 keys,
        // Kafka:Producer:*, then Kafka:Client:*, which carries lz4 here: the embedded broker keeps only
        // the newest 5 MB of each partition, and compression keeps a lagging consumer's unread events
        // within that), with a queue deep enough never to block the pacing loop.
        config.QueueBufferingMaxMessages = 1_000_000;
        config.QueueBufferingMaxKbytes = 1_048_576;
        using var producer = new ProducerBuilder<string, byte[]>(config).Build();
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
