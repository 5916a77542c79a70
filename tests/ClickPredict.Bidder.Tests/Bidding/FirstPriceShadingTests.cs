using System.Text.Json;
using System.Text.Json.Nodes;
using ClickPredict.Benchmarks.Bidder;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Shading;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Events;
using ClickPredict.Core.Shading;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Bidding;

/// <summary>First-price pricing through the real handler: the win-rate model's surplus maximum, or the fixed factor as fallback and as a choice.</summary>
public sealed class FirstPriceShadingTests
{
    private static readonly DateTimeOffset s_now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A model that has seen <paramref name="outcomes"/> first-price outcomes on the bidder's default exchange, prices to beat around $1.50.</summary>
    internal static WinRateModel Model(int outcomes = 2_000)
    {
        var learner = new WinRateLearner();
        var key = learner.Track("sim");
        var random = new Random(3);
        for (var i = 0; i < outcomes; i++)
        {
            var context = new ShadingContext(key, 300, 250, 0.1, random.Next(24), random.Next(1, 8), random.Next(2) == 0);
            var toBeat = Math.Exp(Math.Log(1.5) + (0.4 * (random.NextDouble() - 0.5)));
            var bid = Math.Exp(Math.Log(0.3) + (random.NextDouble() * Math.Log(20)));
            learner.Observe(context, bid, bid >= toBeat, toBeat);
        }

        return learner.ToModel();
    }

    private static (byte[] Body, JsonObject Tree) FirstPrice(int seed) =>
        Tree(SimBodies.One(r => r["at"] = 1, seed));

    private static (byte[] Body, JsonObject Tree) Tree(byte[] body) => (body, JsonNode.Parse(body)!.AsObject());

    private static InProcessBidder Bidder(CapturingTransport transport, WinRateModel? model, Dictionary<string, string?>? settings = null)
    {
        var bidder = new InProcessBidder(Repo.Root, TestModels.Create(seed: 5), settings, events: transport, time: new TestClock(s_now));
        if (model is not null)
        {
            bidder.Services.GetRequiredService<WinRateHolder>().Swap(model);
        }

        return bidder;
    }

    /// <summary>Posts each body; for each that bid, its price and event.</summary>
    private static List<(decimal Price, BidEvent Event, string Body)> Bids(InProcessBidder bidder, CapturingTransport transport, IEnumerable<byte[]> bodies)
    {
        var prices = new List<(decimal, string)>();
        foreach (var body in bodies)
        {
            if (bidder.Post(body))
            {
                var bid = JsonDocument.Parse(bidder.Response).RootElement.GetProperty("seatbid")[0].GetProperty("bid")[0];
                prices.Add((bid.GetProperty("price").GetDecimal(), System.Text.Encoding.UTF8.GetString(body)));
            }
        }

        bidder.Events.Flush();
        var events = new List<BatchedBidEvent>();
        var decoded = new List<BidEvent>();
        foreach (var message in transport.Messages.Where(m => m.Topic == ClickPredict.Bidder.Events.EventTopic.Bids))
        {
            BidEventBatch.SplitMessage(message.Key, message.Value, events);
            decoded.AddRange(events.Select(e => EventSerializer.Deserialize<BidEvent>(e.Event)));
        }

        // In bid order (the ids count up), as the prices were collected.
        decoded.Sort((a, b) => string.CompareOrdinal(a.BidId, b.BidId));
        Assert.Equal(prices.Count, decoded.Count);
        return [.. prices.Zip(decoded, (p, e) => (p.Item1, e, p.Item2))];
    }

    private static IEnumerable<byte[]> FirstPriceBodies(int count, int seed = 11) =>
        SimBodies.Json(count, seed).Select(b => SimBodies.Edit(b, r => r["at"] = 1));

    private static decimal FixedPrice(BidEvent e, Campaign campaign) =>
        BidPricing.Price(e.PCtr, campaign.ValuePerClickUsd, campaign.MaxCpmUsd, 1, 0.8m, ImpFloor.Of((decimal)e.FloorCpmUsd, ClickPredict.Bidder.Bidding.Currency.Usd, ClickPredict.Bidder.Bidding.Currency.Usd), ClickPredict.Bidder.Bidding.Currency.Usd);

    private static Campaign CampaignOf(InProcessBidder bidder, BidEvent e) =>
        bidder.Services.GetRequiredService<CampaignCatalog>().Campaigns.Single(c => c.Id == e.CampaignId);

    [Fact]
    public void FirstPrice_WithoutAWinRateModel_BidsTheFixedFactor()
    {
        var transport = new CapturingTransport();
        using var bidder = Bidder(transport, model: null);
        var bids = Bids(bidder, transport, FirstPriceBodies(60));
        Assert.NotEmpty(bids);
        foreach (var (price, e, _) in bids)
        {
            Assert.Equal((BidEvent.PricingFixed, false, (double?)null), (e.Pricing, e.Explored, e.WinProbability));
            Assert.Equal(FixedPrice(e, CampaignOf(bidder, e)), price);
            Assert.Equal(e.PCtr * (double)CampaignOf(bidder, e).ValuePerClickUsd * 1000, e.ValueCpmUsd, 12);
        }
    }

    [Fact]
    public void FirstPrice_UnderAWinRateModel_BidsTheExpectedSurplusMaximum()
    {
        var transport = new CapturingTransport();
        var model = Model();
        using var bidder = Bidder(transport, model, new() { ["Shading:ExplorationShare"] = "0" });
        var bids = Bids(bidder, transport, FirstPriceBodies(60));
        Assert.True(bids.Count >= 20, $"{bids.Count} bids");
        var differs = 0;
        foreach (var (price, e, body) in bids)
        {
            var campaign = CampaignOf(bidder, e);
            var request = JsonNode.Parse(body)!;
            var banner = request["imp"]![0]!["banner"]!;
            var hasFormat = banner["w"] is null;
            var w = hasFormat ? banner["format"]![0]!["w"]!.GetValue<int>() : banner["w"]!.GetValue<int>();
            var h = hasFormat ? banner["format"]![0]!["h"]!.GetValue<int>() : banner["h"]!.GetValue<int>();
            var context = new ShadingContext(
                ShadingContext.KeyOf("sim"), w, h, e.FloorCpmUsd, s_now.Hour,
                request["device"]?["devicetype"]?.GetValue<int>() ?? 0, request["site"] is null && request["app"] is not null);
            var optimum = SurplusMaximizer.Maximize(model.Curve(context), e.ValueCpmUsd, e.FloorCpmUsd, (double)campaign.MaxCpmUsd);

            // The trainer rebuilds the same context from the logged event: the curve it learns is the one that priced.
            var logged = model.Curve(ShadingContexts.FromBidEvent(e, ShadingContext.KeyOf(e.Exchange!)));
            Assert.Equal((model.Curve(context).Mu, model.Curve(context).Sigma), (logged.Mu, logged.Sigma));

            Assert.Equal((BidEvent.PricingModel, false), (e.Pricing, e.Explored));
            Assert.Equal(decimal.Round((decimal)optimum.Bid, 4, MidpointRounding.ToZero), price);
            Assert.Equal(optimum.WinProbability, e.WinProbability!.Value, 9);
            Assert.InRange((double)price, e.FloorCpmUsd, Math.Min(e.ValueCpmUsd, (double)campaign.MaxCpmUsd));
            differs += price != FixedPrice(e, campaign) ? 1 : 0;
        }

        Assert.True(differs > bids.Count / 2, $"only {differs} of {bids.Count} shaded prices differ from the fixed factor's");
    }

    [Fact]
    public void FirstPrice_WithPricingFixed_IgnoresTheModel()
    {
        var transport = new CapturingTransport();
        using var bidder = Bidder(transport, Model(), new() { ["Shading:Pricing"] = "Fixed" });
        var bids = Bids(bidder, transport, FirstPriceBodies(40));
        Assert.NotEmpty(bids);
        Assert.All(bids, b => Assert.Equal((BidEvent.PricingFixed, FixedPrice(b.Event, CampaignOf(bidder, b.Event))), (b.Event.Pricing, b.Price)));
    }

    [Fact]
    public void FirstPrice_ModelWithTooFewOutcomesOnTheExchange_FallsBackToTheFixedFactor()
    {
        var transport = new CapturingTransport();
        using var bidder = Bidder(transport, Model(outcomes: 100), new() { ["Shading:MinObservations"] = "101" });
        var bids = Bids(bidder, transport, FirstPriceBodies(40));
        Assert.NotEmpty(bids);
        Assert.All(bids, b => Assert.Equal((BidEvent.PricingFixed, FixedPrice(b.Event, CampaignOf(bidder, b.Event))), (b.Event.Pricing, b.Price)));
    }

    [Fact]
    public void SecondPrice_UnderAWinRateModel_BidsTheValueUnchanged()
    {
        var transport = new CapturingTransport();
        using var bidder = Bidder(transport, Model());
        var bids = Bids(bidder, transport, SimBodies.Json(40, seed: 12).Select(b => SimBodies.Edit(b, r => r["at"] = 2)));
        Assert.NotEmpty(bids);
        foreach (var (price, e, _) in bids)
        {
            var campaign = CampaignOf(bidder, e);
            Assert.Equal((BidEvent.PricingValue, (double?)null), (e.Pricing, e.WinProbability));
            Assert.Equal(BidPricing.Price(e.PCtr, campaign.ValuePerClickUsd, campaign.MaxCpmUsd, 2, 0.8m, ImpFloor.Of((decimal)e.FloorCpmUsd, ClickPredict.Bidder.Bidding.Currency.Usd, ClickPredict.Bidder.Bidding.Currency.Usd), ClickPredict.Bidder.Bidding.Currency.Usd), price);
        }
    }

    [Fact]
    public void FirstPrice_Exploration_MovesTheConfiguredShareWithinFloorValueAndMaxCpm()
    {
        var transport = new CapturingTransport();
        using var bidder = Bidder(transport, Model(), new() { ["Shading:ExplorationShare"] = "0.5" });
        var bids = Bids(bidder, transport, FirstPriceBodies(200, seed: 13));
        var explored = bids.Count(b => b.Event.Explored);
        Assert.InRange(explored, bids.Count / 4, bids.Count * 3 / 4);
        foreach (var (price, e, _) in bids)
        {
            Assert.Equal(BidEvent.PricingModel, e.Pricing);
            Assert.InRange((double)price, e.FloorCpmUsd, Math.Min(e.ValueCpmUsd, (double)CampaignOf(bidder, e).MaxCpmUsd));
        }
    }
}
