using ClickPredict.Core.Events;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Tests;

/// <summary>
/// The joiner and learner against the real embedded broker: killed mid-stream and restarted, and a broker
/// taken down and brought back. Counted against the simulated auctions' ground truth.
/// </summary>
[Collection(KafkaCollection.Name)]
public class JoinerFaultTests
{
    /// <summary>
    /// With frequent checkpoints the kill falls between two of them (some examples are in a checkpoint,
    /// some only in Kafka); with none before the kill, everything the first trainer emitted must be found
    /// by the restarted one's recovery scan. With two consumers, each member's partitions are checkpointed
    /// and recovered on their own, and the restart may hand a partition to the other member. With bids in
    /// batches (as the bidder logs them), a batch is one offset: all its bids are in a checkpoint or none.
    /// </summary>
    [Theory]
    [InlineData(300, 1, 0)]
    [InlineData(600_000, 1, 0)]
    [InlineData(300, 2, 0)]
    [InlineData(300, 1, 16)]
    public async Task Trainer_KilledMidStreamAndRestarted_LosesAndDuplicatesNoExample(int checkpointIntervalMs, int consumers, int bidBatch)
    {
        using var directory = TestSupport.Directory();
        using var cluster = TestSupport.Cluster();
        using var producer = TestSupport.Producer(cluster.BootstrapServers);
        using var logs = new CapturingLoggerProvider();
        var auctions = SimAuctions.Make(4000);
        auctions.BidBatch = bidBatch;
        var expected = auctions.Expected;
        var settings = TrainerHost.Defaults(cluster, directory.Path);
        settings["Trainer:Joiner:CheckpointIntervalMs"] = checkpointIntervalMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Trainer:Joiner:Consumers"] = consumers.ToString(System.Globalization.CultureInfo.InvariantCulture);

        auctions.Produce(producer, 0, 2000);
        var first = await TrainerHost.StartAsync(settings);
        Assert.True(await TestSupport.Eventually(() => first.Status.ExamplesEmitted > 300), "the first trainer emitted nothing");
        // More traffic arrives while it works; it is killed in the middle of it, between checkpoints.
        var more = Task.Run(() => auctions.Produce(producer, 2000, 3000));
        Assert.True(await TestSupport.Eventually(() => first.Status.ExamplesEmitted > 900), "the first trainer stalled");
        var status = first.Status;
        await first.CrashAsync();
        var emittedBeforeCrash = status.ExamplesEmitted;
        await more;
        auctions.Produce(producer, 3000, 4000);

        await using var second = await TrainerHost.StartAsync(settings, logs: logs);
        // The learner reads the examples topic: once it has read as many as there must be, they are all there.
        Assert.True(await TestSupport.Eventually(() => second.Status.ExamplesConsumed >= expected.Count), $"the learner read {second.Status.ExamplesConsumed} of {expected.Count}");
        var examples = TestSupport.ReadAll(cluster.BootstrapServers, TestSupport.Examples).Select(r => EventSerializer.Deserialize<LabeledExample>(r.Message.Value)).ToList();

        var duplicates = examples.GroupBy(e => e.BidId).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
        Assert.Equal(expected.Count, examples.Count);
        foreach (var example in examples)
        {
            Assert.True(expected.TryGetValue(example.BidId, out var clicked), $"{example.BidId} is not a won bid");
            Assert.Equal(clicked, example.Clicked);
            Assert.NotEmpty(example.Fields);
        }

        // The learner, restarted from its own checkpoint, read each example exactly once.
        Assert.Equal(expected.Count, second.Status.ExamplesConsumed);

        var recovered = logs.Lines.Where(l => l.Id.Id == 1 && l.Category.StartsWith("ClickPredict.Trainer", StringComparison.Ordinal)).Select(l => RecoveredCount(l.Message)).Sum();
        if (checkpointIntervalMs > 60_000)
        {
            // No checkpoint was ever written: every example of the first life is found by the scan.
            // (Some of those handed to the producer may not have reached the broker before the kill: they are emitted again, once.)
            Assert.True(recovered > 0 && recovered <= emittedBeforeCrash, $"the scan found {recovered} of the {emittedBeforeCrash} examples emitted before the kill");
        }
    }

    private static int RecoveredCount(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, @"; (\d+) example\(s\) found");
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>
    /// The broker goes away and comes back while the trainer runs: both loops see the outage (their
    /// consumers' outage counters) and go on without a restart, and every auction becomes one example.
    /// </summary>
    [Fact]
    public async Task Trainer_BrokerDownAndUp_SeesTheOutageThenRecoversWithoutRestart()
    {
        using var directory = TestSupport.Directory();
        using var cluster = TestSupport.Cluster();
        using var producer = TestSupport.Producer(cluster.BootstrapServers);
        var auctions = SimAuctions.Make(1500, seed: 11);
        var expected = auctions.Expected;
        await using var trainer = await TrainerHost.StartAsync(TrainerHost.Defaults(cluster, directory.Path));

        auctions.Produce(producer, 0, 700);
        // The learner too, so its learning path is compiled before the outage: on a loaded machine its first
        // example can take seconds, and a learner still draining what it fetched before the outage that slowly
        // looks stalled (a CI run saw it settle at 1 example and then read a second).
        Assert.True(await TestSupport.Eventually(() => trainer.Status.ExamplesEmitted > 100 && trainer.Status.ExamplesConsumed > 100));

        cluster.SetBrokerDown(-1);
        Assert.True(await TestSupport.Eventually(() => trainer.Status.JoinerOutages > 0 && trainer.Status.LearnerOutages > 0), $"outages seen: joiner {trainer.Status.JoinerOutages}, learner {trainer.Status.LearnerOutages}");
        // The loops keep running through the outage (no restart), holding what they have.
        Assert.True(trainer.Status.JoinerRunning);
        Assert.True(trainer.Status.LearnerRunning);
        cluster.SetBrokerUp(-1);

        auctions.Produce(producer, 700, 1500);
        Assert.True(await TestSupport.Eventually(() => trainer.Status.ExamplesConsumed >= expected.Count), $"the learner read {trainer.Status.ExamplesConsumed} of {expected.Count}");
        var examples = TestSupport.ReadAll(cluster.BootstrapServers, TestSupport.Examples).Select(r => EventSerializer.Deserialize<LabeledExample>(r.Message.Value)).ToList();
        Assert.Equal(expected.Count, examples.Count);
        Assert.Equal(expected.Count, examples.Select(e => e.BidId).Distinct().Count());
        Assert.All(examples, e => Assert.Equal(expected[e.BidId], e.Clicked));
        Assert.Null(trainer.Status.Failure);
    }

    /// <summary>
    /// Partitions taken away and handed back while the examples of their finished auctions still sit
    /// unacknowledged in the joiner's producer: revoked by a rebalance, or lost when the group session
    /// times out during a broker outage (what made <see cref="Trainer_BrokerDownAndUp_SeesTheOutageThenRecoversWithoutRestart"/>
    /// emit duplicates under load). The partition restarts from its last checkpoint, which predates those
    /// examples: the recovery scan must find them in the topic, or replay emits them a second time. The
    /// broker refuses every produce (retriably) until the joiner has its partitions back, so those examples
    /// are still in flight while it recovers.
    /// </summary>
    [Theory]
    [InlineData("revoked")]
    [InlineData("lost")]
    public async Task Joiner_PartitionsBackWhileExamplesUnacknowledged_EmitsEachExampleOnce(string how)
    {
        using var directory = TestSupport.Directory();
        using var cluster = TestSupport.Cluster();
        using var logs = new CapturingLoggerProvider();
        var auctions = SimAuctions.Make(300, seed: 13);
        var expected = auctions.Expected;
        using (var producer = TestSupport.Producer(cluster.BootstrapServers))
        {
            auctions.Produce(producer, 0, 300);
        }

        var settings = TrainerHost.Defaults(cluster, directory.Path);
        // How long a revoke (and a checkpoint) waits for unacknowledged examples before giving up on them.
        settings["Kafka:Producer:FlushTimeoutMs"] = "300";
        // From here until the joiner has its partitions back, no example reaches the examples topic.
        cluster.PushRequestErrors(KafkaApiKey.Produce, [.. Enumerable.Repeat(ErrorCode.NotEnoughReplicas, 100_000)]);
        await using var trainer = await TrainerHost.StartAsync(settings, logs: logs);
        Assert.True(await TestSupport.Eventually(() => trainer.Status.ExamplesEmitted >= expected.Count), $"the joiner emitted {trainer.Status.ExamplesEmitted} of {expected.Count}");
        int Joiner(int eventId) => logs.Lines.Count(l => l.Id.Id == eventId && l.Category.EndsWith(".JoinerService", StringComparison.Ordinal));
        var assigned = Joiner(1);

        if (how == "lost")
        {
            // The session times out while the broker is away: every partition is lost, then assigned again.
            cluster.SetBrokerDown(-1);
            Assert.True(await TestSupport.Eventually(() => Joiner(2) >= TestSupport.Partitions), "the joiner's session did not time out");
            cluster.SetBrokerUp(-1);
            Assert.True(await TestSupport.Eventually(() => Joiner(1) > assigned || Joiner(9) > 0), "the joiner did not take its partitions back");
            cluster.ClearRequestErrors(KafkaApiKey.Produce);
        }
        else
        {
            // A second member joins the joiners' group: every partition is revoked, half come back, then the rest.
            var config = new ConsumerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                GroupId = "clickpredict-joiner",
                EnableAutoCommit = false,
                PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
                SessionTimeoutMs = 2000,
                HeartbeatIntervalMs = 300,
            };
            using var member = new ConsumerBuilder<string, byte[]>(config).Build();
            member.Subscribe([TestSupport.Bids, TestSupport.Impressions, TestSupport.Clicks]);
            var deadline = Environment.TickCount64 + (long)TestSupport.Patience.TotalMilliseconds;
            while (member.Assignment.Count == 0 && Environment.TickCount64 < deadline)
            {
                member.Consume(50);
            }

            Assert.NotEmpty(member.Assignment);
            Assert.True(await TestSupport.Eventually(() => Joiner(1) > assigned || Joiner(9) > 0), "the joiner did not take its partitions back");
            cluster.ClearRequestErrors(KafkaApiKey.Produce);
            member.Close();
        }

        // Done when every partition's checkpoint has read each input to its end and has nothing pending;
        // checkpoints are written only when every example emitted is acknowledged, so all are in the topic.
        var joiner = Path.Combine(directory.Path, "state", "joiner");
        var ends = EndOffsets(cluster.BootstrapServers);
        Assert.True(await TestSupport.Eventually(() => Enumerable.Range(0, TestSupport.Partitions).All(p => Complete(Path.Combine(joiner, $"p{p}.join"), p, ends))), "the joiner did not finish the auctions");

        var examples = TestSupport.ReadAll(cluster.BootstrapServers, TestSupport.Examples).Select(r => EventSerializer.Deserialize<LabeledExample>(r.Message.Value)).ToList();
        Assert.Empty(examples.GroupBy(e => e.BidId).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(expected.Count, examples.Count);
        Assert.All(examples, e => Assert.Equal(expected[e.BidId], e.Clicked));
        Assert.Null(trainer.Status.Failure);
    }

    private static long[,] EndOffsets(string bootstrapServers)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "test-ends" }).Build();
        string[] topics = [TestSupport.Bids, TestSupport.Impressions, TestSupport.Clicks];
        var ends = new long[TestSupport.Partitions, topics.Length];
        for (var p = 0; p < TestSupport.Partitions; p++)
        {
            for (var t = 0; t < topics.Length; t++)
            {
                ends[p, t] = consumer.QueryWatermarkOffsets(new TopicPartition(topics[t], p), TimeSpan.FromSeconds(10)).High.Value;
            }
        }

        return ends;
    }

    private static bool Complete(string path, int partition, long[,] ends)
    {
        var checkpoint = File.Exists(path) ? ClickPredict.Trainer.Joining.JoinCheckpoint.Load(path) : null;
        return checkpoint is not null
            && checkpoint.Pending.Count == 0
            && Enumerable.Range(0, 3).All(t => Math.Max(checkpoint.NextOffsets[t], 0) == ends[partition, t]);
    }
}

[CollectionDefinition(Name)]
public class KafkaCollection
{
    /// <summary>Tests that run brokers and consumer groups share the two cores one at a time.</summary>
    public const string Name = "kafka";
}
