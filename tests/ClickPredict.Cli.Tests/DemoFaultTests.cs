using ClickPredict.Cli.Demo;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Tests;

public class DemoFaultTests
{
    /// <summary>
    /// The bidder, the trainer and the embedded broker as the demo runs them, under simulated traffic; the
    /// broker goes down for a few seconds and comes back. The bidder keeps bidding throughout (its event log
    /// buffers), the trainer stalls (nothing new to join), and both recover without a restart: every win
    /// the bidder logged, before, during and after the outage, becomes exactly one example.
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
        // What the joiner had fetched before the outage is still joined, and its last auctions' windows close
        // on the idle clock (as long as the label delay after their events); on a loaded machine that takes
        // a while. Then nothing more is emitted: wait until the count has held for two seconds, then hold it.
        // (At most 19 s down in all: the bidder's buffered events must not reach their 30 s delivery timeout.)
        await Task.Delay(TimeSpan.FromSeconds(settings.LabelDelaySeconds + 1));
        var stalledAt = await Settled(monitor, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(12));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(stalledAt, (await Poll(monitor)).ExamplesEmitted);
        Assert.True(tally.Snapshot().Bids > bidsAtOutage + 300, "the bidder stopped bidding while the broker was down");
        system.Cluster.SetBrokerUp(-1);

        await run;
        var counters = tally.Snapshot();
        Assert.Equal(0, counters.Errors);
        if (!await Eventually(async () => (await Poll(monitor)).ExamplesEmitted >= counters.Wins, TimeSpan.FromSeconds(60)))
        {
            Assert.Fail($"the trainer joined {monitor.Trainer?.ExamplesEmitted} examples of {counters.Wins} wins; trainer failure: "
                + $"{monitor.Trainer?.Failure ?? "none"}; the bidder's event log: {await KafkaLines(bidderHttp)}");
        }
        await Task.Delay(TimeSpan.FromSeconds(settings.LabelDelaySeconds + 1));
        var trainer = await Poll(monitor);
        Assert.Equal(counters.Wins, trainer.ExamplesEmitted);
        Assert.Null(trainer.Failure);
    }

    /// <summary>The trainer's emitted count once it has not changed for <paramref name="quiet"/> (or at <paramref name="patience"/>).</summary>
    private static async Task<long> Settled(DemoMonitor monitor, TimeSpan quiet, TimeSpan patience)
    {
        var value = (await Poll(monitor)).ExamplesEmitted;
        var since = DateTime.UtcNow;
        var deadline = since + patience;
        while (DateTime.UtcNow - since < quiet && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            var now = (await Poll(monitor)).ExamplesEmitted;
            if (now != value)
            {
                value = now;
                since = DateTime.UtcNow;
            }
        }

        return value;
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
