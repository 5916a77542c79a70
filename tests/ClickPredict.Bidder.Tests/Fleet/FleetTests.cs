using System.Net;
using System.Text.Json;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Fleet;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ClickPredict.Bidder.Tests.Fleet;

/// <summary>Several real bidders on one embedded broker: budgets, notices and restarts fleet-wide.</summary>
public sealed class FleetTests
{
    [Fact]
    public async Task ThreeBidders_BindingBudget_StopAtTheFleetsSpendNotEachOwn()
    {
        const decimal Budget = 0.02m;
        using var fleet = new FleetHarness(Budget);
        var bidders = new[] { fleet.NewBidder(), fleet.NewBidder(), fleet.NewBidder() };
        var campaigns = bidders[0].Services.GetRequiredService<CampaignCatalog>().Campaigns;
        var charged = campaigns.ToDictionary(c => c.Id, _ => 0m);
        var chargedBy = bidders.Select(_ => campaigns.ToDictionary(c => c.Id, _ => 0m)).ToArray();
        var random = new Random(5);
        long accepted = 0;
        var i = 0;
        foreach (var body in SimBodies.Json(3000, seed: 21))
        {
            var (bid, _) = await TryBid(bidders[i++ % 3].Client, body);
            if (bid is not { } b)
            {
                if (campaigns.All(c => FleetHarness.Spent(bidders[0], c.Id) > Budget - (c.MaxCpmUsd / 1000m)))
                {
                    break;
                }

                continue;
            }

            // The exchange sends the win notice to any bidder behind its load balancer.
            var to = random.Next(3);
            var clearing = Clearing(b);
            using var win = await bidders[to].Client.GetAsync(NoticeUrls.Win(b, clearing));
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
            var campaign = b.GetProperty("cid").GetString()!;
            charged[campaign] += clearing / 1000m;
            chargedBy[to][campaign] += clearing / 1000m;
            accepted++;

            // Each notice is read back by the whole fleet before the next auction, so the budget is never crossed:
            // the last bids must fit what is left (the concurrent bound is the demo's and docs/SCALING.md's).
            await fleet.ReadBackAsync(accepted);
        }

        foreach (var campaign in campaigns)
        {
            var maxImpressionUsd = campaign.MaxCpmUsd / 1000m;
            Assert.True(charged[campaign.Id] > Budget - maxImpressionUsd, $"{campaign.Id}: the budget did not bind ({FleetHarness.Money(charged[campaign.Id])} spent)");
            Assert.True(charged[campaign.Id] <= Budget, $"{campaign.Id}: {FleetHarness.Money(charged[campaign.Id])} spent of {FleetHarness.Money(Budget)}");

            // No bidder's own notices came near the budget: only the fleet's spend could have stopped them.
            Assert.All(chargedBy, own => Assert.True(own[campaign.Id] < Budget, $"{campaign.Id}: one bidder alone charged {FleetHarness.Money(own[campaign.Id])}"));

            // Every bidder's ledger agrees with what the exchange charged, to the nano-dollar.
            Assert.All(bidders, bidder => Assert.Equal(charged[campaign.Id], FleetHarness.Spent(bidder, campaign.Id)));
        }

        Assert.All(bidders, bidder => Assert.Equal(0, bidder.Services.GetRequiredService<BudgetLedger>().PendingCount));
    }

    [Fact]
    public async Task ReplayedNotice_ToAnotherBidder_IsChargedAndLoggedOnce()
    {
        using var fleet = new FleetHarness(dailyBudgetUsd: 100m);
        var bidders = new[] { fleet.NewBidder(), fleet.NewBidder(), fleet.NewBidder() };
        var bid = await bidders[0].Client.BidOn(SimBodies.One(seed: 7));
        var campaign = bid.GetProperty("cid").GetString()!;

        var clearing = Clearing(bid);
        using (var win = await bidders[1].Client.GetAsync(NoticeUrls.Win(bid, clearing)))
        {
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        }

        await fleet.ReadBackAsync(1);

        // The replay reaches a bidder that did not take the first notice: refused as a replay, like on the first one.
        using (var replay = await bidders[2].Client.GetAsync(NoticeUrls.Win(bid, clearing)))
        {
            Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
            Assert.Equal("replayed_notice", (await replay.Json()).GetProperty("error").GetString());
        }

        // Its billing notice, at a third bidder: acknowledged, not charged or logged again.
        using (var bill = await bidders[0].Client.GetAsync(NoticeUrls.Bill(bid, clearing)))
        {
            Assert.Equal(HttpStatusCode.NoContent, bill.StatusCode);
        }

        Assert.All(bidders, b => Assert.Equal(clearing / 1000m, FleetHarness.Spent(b, campaign)));
        Assert.All(bidders, b => Assert.Equal(1, b.Services.GetRequiredService<SpendReader>().EventsRead));
    }

    [Fact]
    public async Task SameNotice_AtTwoBiddersAtOnce_IsChargedOnceFleetWide()
    {
        using var fleet = new FleetHarness(dailyBudgetUsd: 100m);
        var bidders = new[] { fleet.NewBidder(), fleet.NewBidder(), fleet.NewBidder() };
        var logged = bidders.Select(b => new MetricCollector<long>(b.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, "clickpredict.bidder.events")).ToArray();
        try
        {
            var total = 0m;
            var campaigns = new List<string>();
            foreach (var body in SimBodies.Json(5, seed: 8))
            {
                var bid = await bidders[0].Client.BidOn(body);
                campaigns.Add(bid.GetProperty("cid").GetString()!);
                total += Clearing(bid) / 1000m;

                // Both answer before either event can have been read back: both may take it; the fleet charges it once.
                var url = NoticeUrls.Win(bid, Clearing(bid));
                var answers = await Task.WhenAll(bidders[1].Client.GetAsync(url), bidders[2].Client.GetAsync(url));
                Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.Conflict, a.StatusCode.ToString()));
                Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.NoContent);
                foreach (var answer in answers)
                {
                    answer.Dispose();
                }
            }

            // Every impression event logged (one or two per bid) has been read back by every bidder.
            var impressions = logged.Sum(l => l.GetMeasurementSnapshot().Count(m => (string)m.Tags["topic"]! == "impressions" && (string)m.Tags["outcome"]! == "queued"));
            Assert.InRange(impressions, 5, 10);
            await fleet.ReadBackAsync(impressions);
            foreach (var bidder in bidders)
            {
                var ledger = bidder.Services.GetRequiredService<BudgetLedger>();
                Assert.Equal(5, ledger.ReadBackCharged);
                Assert.Equal(impressions - 5, ledger.ReadBackDuplicates);
                Assert.Equal(0, ledger.PendingCount);
                Assert.Equal(total, campaigns.Distinct().Sum(c => FleetHarness.Spent(bidder, c)));
            }
        }
        finally
        {
            foreach (var collector in logged)
            {
                collector.Dispose();
            }
        }
    }

    [Fact]
    public async Task Restart_RebuildsTodaysSpendAndReplayProtectionBeforeBidding()
    {
        using var fleet = new FleetHarness(dailyBudgetUsd: 100m);
        var first = fleet.NewBidder();
        var second = fleet.NewBidder();
        var bids = new List<JsonElement>();
        var total = 0m;
        foreach (var body in SimBodies.Json(12, seed: 9))
        {
            var bid = await first.Client.BidOn(body);
            bids.Add(bid);
            total += Clearing(bid) / 1000m;
            using var win = await (bids.Count % 2 == 0 ? first : second).Client.GetAsync(NoticeUrls.Win(bid, Clearing(bid)));
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        }

        await fleet.ReadBackAsync(12);
        var campaigns = bids.Select(b => b.GetProperty("cid").GetString()!).Distinct().ToList();
        var before = campaigns.ToDictionary(c => c, c => FleetHarness.Spent(first, c));
        Assert.Equal(total, before.Values.Sum());

        // The second bidder crashes and a new one takes its place: it starts from today's spend, not zero.
        fleet.Stop(second);
        var restarted = fleet.NewBidder();
        _ = restarted.Client;
        var ledger = restarted.Services.GetRequiredService<BudgetLedger>();
        Assert.Equal(FleetState.Live, ledger.State);
        Assert.All(campaigns, c => Assert.Equal(before[c], FleetHarness.Spent(restarted, c)));

        // And it knows which notices were taken before it started.
        using var replay = await restarted.Client.GetAsync(NoticeUrls.Win(bids[3], Clearing(bids[3])));
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
    }

    [Fact]
    public async Task BrokerDownAtStart_NoBidsUntilTodaysSpendIsRead()
    {
        using var fleet = new FleetHarness(dailyBudgetUsd: 100m);
        var bid = await OneImpressionThenBrokerDownAsync(fleet, seed: 10);
        var late = fleet.NewBidder(b =>
        {
            b.WaitForFleet = false;
            b.Settings["Fleet:ConnectTimeoutMs"] = "300";
        });
        var ledger = late.Services.GetRequiredService<BudgetLedger>();
        Assert.Equal(FleetState.CatchingUp, ledger.State);
        using (var ready = await late.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var noBid = await late.Client.PostBid(SimBodies.One(seed: 10)))
        {
            Assert.Equal(HttpStatusCode.NoContent, noBid.StatusCode);
        }

        fleet.Cluster.SetBrokerUp(-1);
        await ledger.WhenReady.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(FleetState.Live, ledger.State);
        var campaign = bid.GetProperty("cid").GetString()!;
        Assert.Equal(Clearing(bid) / 1000m, FleetHarness.Spent(late, campaign));
        using (var ready = await late.Client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        _ = await late.Client.BidOn(SimBodies.One(seed: 10));
    }

    [Fact]
    public async Task BrokerDownAtStart_StartWithoutKafka_BidsOnItsOwnSpendAndSaysSo_ThenCatchesUp()
    {
        using var fleet = new FleetHarness(dailyBudgetUsd: 100m);
        var earlier = await OneImpressionThenBrokerDownAsync(fleet, seed: 11);
        var late = fleet.NewBidder(b =>
        {
            b.Settings["Fleet:StartWithoutKafka"] = "true";
            b.Settings["Fleet:ConnectTimeoutMs"] = "300";
        });
        var ledger = late.Services.GetRequiredService<BudgetLedger>();
        Assert.Equal(FleetState.Degraded, ledger.State);
        using (var ready = await late.Client.GetAsync("/readyz"))
        {
            // Degraded, not unhealthy: it bids.
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // The gauge of this bidder's own meter (a test process holds several bidders, and /metrics shows every one's).
        using (var gauge = new MetricCollector<int>(late.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, "clickpredict.bidder.fleet.state"))
        {
            gauge.RecordObservableInstruments();
            Assert.Equal(3, gauge.LastMeasurement?.Value);
        }

        var campaign = earlier.GetProperty("cid").GetString()!;
        Assert.Equal(0m, FleetHarness.Spent(late, campaign));
        var own = await late.Client.BidOn(SimBodies.One(seed: 11));
        using (var win = await late.Client.GetAsync(NoticeUrls.Win(own, Clearing(own))))
        {
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        }

        // Its own charge counts at once; the fleet's once Kafka answers.
        Assert.Equal(Clearing(own) / 1000m, FleetHarness.Spent(late, campaign));
        fleet.Cluster.SetBrokerUp(-1);
        await Until.TrueAsync(() => ledger.State == FleetState.Live, () => $"state {ledger.State}");
        await Until.TrueAsync(() => ledger.PendingCount == 0, () => $"{ledger.PendingCount} charges pending");
        Assert.Equal((Clearing(earlier) + Clearing(own)) / 1000m, FleetHarness.Spent(late, campaign));
    }

    /// <summary>A running bidder bids and has its win noticed (read back by the fleet); then the broker goes down. Returns the bid.</summary>
    private static async Task<JsonElement> OneImpressionThenBrokerDownAsync(FleetHarness fleet, int seed)
    {
        var running = fleet.NewBidder();
        var bid = await running.Client.BidOn(SimBodies.One(seed: seed));
        using (var win = await running.Client.GetAsync(NoticeUrls.Win(bid, Clearing(bid))))
        {
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        }

        await fleet.ReadBackAsync(1);
        fleet.Cluster.SetBrokerDown(-1);
        return bid;
    }

    /// <summary>The clearing price the exchange charges for <paramref name="bid"/>: half its price (a second price below it).</summary>
    private static decimal Clearing(JsonElement bid) => decimal.Round(bid.GetProperty("price").GetDecimal() * 0.5m, 4);

    /// <summary>Posts a request; the bid when there is one (200), or null on a no-bid (204).</summary>
    private static async Task<(JsonElement? Bid, HttpStatusCode Status)> TryBid(HttpClient client, byte[] body)
    {
        using var response = await client.PostBid(body);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            return (null, response.StatusCode);
        }

        return ((await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0], response.StatusCode);
    }
}
