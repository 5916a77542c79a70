using System.Diagnostics;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// Stops one bidder in the middle of the run and starts it again, as a crash and a redeploy would: the
/// exchange's load balancer stops sending it traffic and lets its calls finish, its process stops, a new
/// one starts at the same address and reads today's spend back from the fleet's topic; the load balancer
/// sends it traffic again once <c>/readyz</c> says ready. What it knew of the fleet's spend before and
/// right after is the evidence that a restart forgets nothing.
/// </summary>
internal sealed class DemoRestart(DemoSystem system, DemoBidders bidders, DemoMonitor monitor, DemoTally tally)
{
    /// <summary>Restarts bidder <paramref name="slot"/> after <paramref name="delay"/>; null when the run ended first.</summary>
    public async Task<BidderRestart?> RunAsync(int slot, TimeSpan delay, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        var at = clock.Elapsed;
        bidders.Down(slot);
        await bidders.DrainAsync(slot, CancellationToken.None).ConfigureAwait(false);
        var before = (await monitor.PollBidderAsync(slot, CancellationToken.None).ConfigureAwait(false))?.Fleet;
        await monitor.RetireAsync(slot, CancellationToken.None).ConfigureAwait(false);
        await system.StopBidderAsync(slot).ConfigureAwait(false);
        await system.StartBidderAsync(slot, CancellationToken.None).ConfigureAwait(false);

        var client = DemoRunner.Client(system.BidderUrls[slot]);
        try
        {
            await DemoSystem.WaitUntilReadyAsync(client, slot, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        // Read at the moment it is ready, before it takes traffic: all of it comes from the topic (then the
        // exchange's count, which has every impression the bidder can have read back by then).
        var after = (await DemoMonitor.StatusAsync(client, CancellationToken.None).ConfigureAwait(false))?.Fleet;
        var exchange = tally.SpendByCampaign().Values.Sum();
        bidders.Up(slot, client);
        return new BidderRestart
        {
            Bidder = slot,
            AtSeconds = Math.Round(at.TotalSeconds, 1),
            DownSeconds = Math.Round((clock.Elapsed - at).TotalSeconds, 1),
            SpentBeforeUsd = before?.SpentUsd,
            SpentAtReadyUsd = after?.SpentUsd,
            ExchangeSpentAtReadyUsd = exchange,
            ImpressionsReadBack = after?.EventsRead,
        };
    }
}
