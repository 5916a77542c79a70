using ClickPredict.Core.Events;

namespace ClickPredict.Trainer.Tests;

/// <summary>The joiner catching up on a backlog through the embedded broker.</summary>
[Collection(KafkaCollection.Name)]
public class JoinerBacklogTests
{
    /// <summary>
    /// 40 s of event time already logged when the trainer starts: the inputs are read as fast as the
    /// broker hands them out, not at the pace they were logged, and not at the same pace as each other
    /// (a fetch holds ten times as many win notices as bids). The event clock waits for the laggiest
    /// input, so every won bid is still joined with its win notice and its clicks, exactly once. With two
    /// consumers in the process, the two members split the partitions and write through one producer. Bids
    /// come one per message or, as the bidder logs them, in per-partition batches the joiner splits.
    /// </summary>
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(2, 32)]
    public async Task Joiner_CatchingUpOnABacklog_JoinsEveryWonBidOnceWithItsClicks(int consumers, int bidBatch)
    {
        using var directory = TestSupport.Directory();
        using var cluster = TestSupport.Cluster();
        var auctions = SimAuctions.Make(20_000, seed: 21);
        auctions.BidBatch = bidBatch;
        var expected = auctions.Expected;
        using (var producer = TestSupport.Producer(cluster.BootstrapServers))
        {
            auctions.Produce(producer, 0, auctions.Auctions.Count);
        }

        var settings = TrainerHost.Defaults(cluster, directory.Path);
        settings["Trainer:Joiner:Consumers"] = consumers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var trainer = await TrainerHost.StartAsync(settings);
        long maxPending = 0;
        var split = new HashSet<string>(StringComparer.Ordinal);
        Assert.True(
            await TestSupport.Eventually(() =>
            {
                maxPending = Math.Max(maxPending, trainer.Status.JoinerPending);
                split.Add(string.Join('/', trainer.Status.JoinerMemberPartitions));
                return trainer.Status.ExamplesConsumed >= expected.Count;
            }),
            $"the learner read {trainer.Status.ExamplesConsumed} of {expected.Count} examples");

        Assert.True(maxPending > 0, "the status never showed a pending auction");
        // Range assignment of 4 partitions to the members: each holds its share of every input topic.
        var even = string.Join('/', Enumerable.Repeat(TestSupport.Partitions / consumers, consumers));
        Assert.True(split.Contains(even), $"the members never held {even} partitions; seen: {string.Join(", ", split)}");
        var examples = TestSupport.ReadAll(cluster.BootstrapServers, TestSupport.Examples).Select(r => EventSerializer.Deserialize<LabeledExample>(r.Message.Value)).ToList();
        Assert.Equal(expected.Count, examples.Count);
        Assert.Equal(expected.Count, examples.Select(e => e.BidId).Distinct(StringComparer.Ordinal).Count());
        Assert.All(examples, e => Assert.Equal(expected[e.BidId], e.Clicked));
    }
}
