using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Simulation;

public class CompetitionTests
{
    /// <summary>
    /// SampleMarketPrice and the click draws of the default market's first 40 requests, recorded before
    /// first-price exchanges came in: second-price prices and every click stay exactly as they were.
    /// </summary>
    private static readonly (int Index, decimal Price)[] s_secondPrice =
        [(0, 1.5818m), (1, 0.44m), (2, 3.6253m), (9, 0.9141m), (23, 1.2620m), (24, 1.2861m), (30, 1.4922m), (33, 0.6773m), (35, 1.6965m)];

    private static readonly bool[] s_clicks =
    [
        false, true, false, false, false, true, true, false, true, false, true, true, false, false, false, true, false, false, true, false,
        false, true, true, false, true, false, true, true, false, false, false, true, false, true, false, false, false, false, true, false,
    ];

    [Fact]
    public void SecondPrice_MarketAndOutcomeStream_AreUnchanged()
    {
        var sim = new TrafficSimulator();
        var secondPrice = new List<(int, decimal)>();
        var clicks = new List<bool>();
        for (var i = 0; i < 40; i++)
        {
            var r = sim.Next();
            var price = sim.SampleMarketPrice(r);
            if (r.AuctionType == 2)
            {
                secondPrice.Add((i, price));
            }

            clicks.Add(sim.SampleClick(0.3));
        }

        Assert.Equal(s_secondPrice, secondPrice);
        Assert.Equal(s_clicks, clicks);
    }

    [Fact]
    public void Exchanges_FollowTheAuctionType_AndTheirShares()
    {
        var sim = new TrafficSimulator();
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 20_000; i++)
        {
            var r = sim.Next();
            Assert.Equal(r.AuctionType, r.Exchange.AuctionType);
            counts[r.Exchange.Name] = counts.GetValueOrDefault(r.Exchange.Name) + 1;
        }

        var firstPrice = counts["fp-open"] + counts["fp-sealed"] + counts["fp-thin"];
        Assert.InRange(counts["fp-open"] / (double)firstPrice, 0.37, 0.43);
        Assert.InRange(counts["fp-sealed"] / (double)firstPrice, 0.32, 0.38);
        Assert.InRange(counts["fp-thin"] / (double)firstPrice, 0.22, 0.28);
        Assert.InRange(firstPrice / 20_000.0, 0.67, 0.73);
    }

    [Fact]
    public void FirstPriceCompetition_VariesByContext_AndDriftsOnlyWhenAsked()
    {
        // Two markets a day apart: the same requests (the stream does not depend on drift), at other times.
        static List<(SimRequest Request, CompetingBids Bids)> Competition(double driftPerDay, double requestsPerSecond)
        {
            var sim = new TrafficSimulator(new SimulatorOptions { CompetitionDriftPerDay = driftPerDay, RequestsPerSecond = requestsPerSecond });
            var list = new List<(SimRequest, CompetingBids)>();
            for (var i = 0; i < 2000; i++)
            {
                var r = sim.Next();
                if (r.AuctionType == 1)
                {
                    list.Add((r, sim.CompetitionOf(r)));
                }
            }

            return list;
        }

        var fast = Competition(1.0, 50);
        // Relative to its floor, the level differs across exchanges and sizes (not just the floor).
        var relative = fast.Select(p => Math.Log(p.Bids.PerBidderMedianCpm / Math.Max(p.Request.BidFloor, 0.01))).ToArray();
        Assert.True(StandardDeviation(relative) > 0.2, "competition varies with context");
        Assert.Equal(3, fast.Select(p => p.Bids.Bidders).Distinct().Count());

        // 2000 requests at 1/40 per second span most of a day: with drift the levels move, without only the daily cycle does.
        var slowDrift = Competition(1.0, 1.0 / 40);
        var slowStill = Competition(0.0, 1.0 / 40);
        var moved = slowDrift.Zip(slowStill, (a, b) => Math.Abs(Math.Log(a.Bids.PerBidderMedianCpm / b.Bids.PerBidderMedianCpm))).Average();
        Assert.True(moved > 0.05, $"drift moves the competition (mean |log ratio| {moved})");
        var fastStill = Competition(0.0, 50);
        var early = fastStill.Zip(fast, (a, b) => Math.Abs(Math.Log(a.Bids.PerBidderMedianCpm / b.Bids.PerBidderMedianCpm))).Max();
        Assert.True(early < 0.01, "a few minutes of drift move nothing");
    }

    [Fact]
    public void PriceToBeat_FollowsTheCompetitionsCurve()
    {
        var sim = new TrafficSimulator();
        SimRequest request;
        do
        {
            request = sim.Next();
        }
        while (request.AuctionType != 1 || request.Exchange.Name != "fp-open");

        var bids = sim.CompetitionOf(request);
        const int n = 20_000;
        var prices = new double[n];
        for (var i = 0; i < n; i++)
        {
            prices[i] = (double)sim.SamplePriceToBeat(bids);
            Assert.True(prices[i] >= request.BidFloor - 1e-9);
        }

        // The share of draws below each bid is the curve's win probability there.
        foreach (var quantile in new[] { 0.1, 0.3, 0.5, 0.7, 0.9 })
        {
            var bid = prices.Order().ElementAt((int)(quantile * n));
            var below = prices.Count(p => p < bid) / (double)n;
            Assert.InRange(bids.WinProbability(bid), below - 0.02, below + 0.02);
        }
    }

    [Fact]
    public void Options_BadExchanges_AreRefusedByName()
    {
        var onlyFirst = new SimulatorOptions { Exchanges = [new SimExchange("a", 1)] };
        Assert.Contains("Exchanges", Assert.Throws<ArgumentException>(() => new TrafficSimulator(onlyFirst)).Message);
        var bad = new SimulatorOptions { Exchanges = [new SimExchange("a", 1) { Bidders = 0 }, new SimExchange("b", 2)] };
        Assert.Contains("exchange 'a' Bidders", Assert.Throws<ArgumentException>(() => new TrafficSimulator(bad)).Message);
        var twice = new SimulatorOptions { Exchanges = [new SimExchange("a", 1), new SimExchange("a", 2)] };
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => new TrafficSimulator(twice)).Message);
        Assert.Contains("CompetitionDriftPerDay", Assert.Throws<ArgumentException>(() => new TrafficSimulator(new SimulatorOptions { CompetitionDriftPerDay = -1 })).Message);
    }

    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(-3.0, 0.0013498980316301)]
    [InlineData(-8.0, 6.22096057427178e-16)]
    [InlineData(-20.0, 2.7536241186062e-89)]
    [InlineData(4.0, 0.9999683287581669)]
    public void NormalCdf_KeepsItsRelativePrecision_InTheTails(double z, double expected)
    {
        Assert.InRange(NormalDistribution.Cdf(z) / expected, 1 - 2e-7, 1 + 2e-7);
    }

    private static double StandardDeviation(double[] xs)
    {
        var mean = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / xs.Length);
    }
}
