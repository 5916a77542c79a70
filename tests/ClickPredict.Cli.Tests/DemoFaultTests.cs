using ClickPredict.Cli.Demo;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Tests;

public class DemoFaultTests
{
    /// <summary>
    /// The bidder, the trainer and the embedded broker as the demo runs them, under simulated traffic; the
    /// broker goes down for a few seconds and comes back. The bidder keeps bidding throughout (its event log
    /// buffers), the trainer sees the outage, and both recover without a restart: every win the bidder
    /// logged, before, during and after the outage, becomes exactly one example. (Once this ended with 2,740
    /// examples for 2,811 wins: the trainer's idle clock ran on through the outage and closed the auctions
    /// under way as lost before their win notices, held by the bidder, arrived; see JoinerOutageTests.)
    /// It waits on the system's counters only: the trainer's outage count, the bidder's bids, and the
    /// trainer's examples and pending auctions.
    /// </summary>
    [Fact]
    public async Task BrokerDownAndUp_BidderKeepsBidding_TrainerStallsThenCatchesUp_NoExampleLost()
    {
        var settings = new DemoSettings { Qps = 150, RetrainIntervalSeconds = 3600 };
        await using var system = await DemoSystem.StartAsync(settings, CancellationToken.None);
        using var bidderHttp = DemoRunner.Client(system.BidderUrl);
        using var trainerHttp = DemoRunner.Client(system.TrainerUrl);
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 21, OutcomeSeed = 22, RequestsPerSecond = settings.Qps, Start = DateTimeOffset.UtcNow });
        var tally = new DemoTally(settings.BucketSeconds);
        using var traffic = new DemoTraffic(simulator, bidderHttp, tally);
        var monitor = new DemoMonitor(bidderHttp, trainerHttp);

        var run = traffic.RunAsync(settings.Qps, TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.True(await Eventually(async () => (await Poll(monitor)).ExamplesEmitted > 100, TimeSpan.FromSeconds(30)), "no example before the outage");

        system.Cluster.SetBrokerDown(-1);
        var bidsAtOutage = tally.Snapshot().Bids;
        // The trainer sees the outage (and holds its idle clock: the bidder holds the outage's events) while
        // the bidder goes on bidding. (Under 30 s down in all: the bidder's buffered events must not reach
        // their delivery timeout.)
        Assert.True(await Eventually(async () => (await Poll(monitor)).JoinerOutages > 0, TimeSpan.FromSeconds(15)), "the trainer did not see the outage");
        Assert.True(await Eventually(() => Task.FromResult(tally.Snapshot().Bids > bidsAtOutage + 300), TimeSpan.FromSeconds(15)), "the bidder stopped bidding while the broker was down");
        Assert.Null((await Poll(monitor)).Failure);
        system.Cluster.SetBrokerUp(-1);

        await run;
        var counters = tally.Snapshot();
        Assert.Equal(0, counters.Errors);
        // Done when the trainer has joined as many examples as there were wins and holds no auction (nothing
        // more can come: a duplicate would show as a count above the wins).
        if (!await Eventually(async () => (await Poll(monitor)) is { } t && t.ExamplesEmitted >= counters.Wins && t.JoinerPending == 0, TimeSpan.FromSeconds(90)))
        {
            Assert.Fail($"the trainer joined {monitor.Trainer?.ExamplesEmitted} examples of {counters.Wins} wins ({monitor.Trainer?.JoinerPending} auctions pending); trainer failure: "
                + $"{monitor.Trainer?.Failure ?? "none"}; the bidder's event log: {await KafkaLines(bidderHttp)}");
        }

        var trainer = await Poll(monitor);
        Assert.Equal(counters.Wins, trainer.ExamplesEmitted);
        Assert.Null(trainer.Failure);
    }

    /// <summary>The bidder's Kafka and event-log counters from its metrics, for a failure's message.</summary>
    private static async Task<string> KafkaLines(HttpClient bidder)
    {
        var metrics = await bidder.GetStringAsync("/metrics");
        return string.Join("; ", metrics.Split('\n').Where(line =>
            line.StartsWith("clickpredict_kafka_", StringComparison.Ordinal) || line.StartsWith("clickpredict_bidder_events", StringComparison.Ordinal)));
    }

    private static async Task<TrainerState> Poll(DemoMonitor monitor)
    {
        await monitor.PollAsync(CancellationToken.None);
        return monitor.Trainer ?? new TrainerState(0, 0, 0, 0, null, null);
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(200);
        }

        return true;
    }
}
