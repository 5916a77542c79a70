using ClickPredict.Core.Shading;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Shading;

public class SurplusMaximizerTests
{
    /// <summary>The best bid on a fine grid of the range, and its surplus.</summary>
    private static (double Bid, double Surplus) BruteForce<T>(T curve, double value, double floor, double maxBid)
        where T : struct, IWinCurve
    {
        var lo = Math.Max(floor, SurplusMaximizer.MinBid);
        var hi = Math.Min(value, maxBid);
        (double Bid, double Surplus) best = (0, double.NegativeInfinity);
        const int steps = 200_000;
        for (var i = 0; i <= steps; i++)
        {
            var b = lo + ((hi - lo) * i / steps);
            var s = (value - b) * curve.WinProbability(b);
            if (s > best.Surplus)
            {
                best = (b, s);
            }
        }

        return best;
    }

    [Theory]
    [InlineData(0.0, 0.5, 3.0, 0.0, 100.0)]
    [InlineData(0.0, 0.2, 3.0, 0.5, 100.0)]
    [InlineData(1.0, 0.8, 1.5, 0.1, 100.0)]
    [InlineData(-1.0, 0.3, 10.0, 0.01, 100.0)]
    [InlineData(0.5, 0.05, 4.0, 0.2, 100.0)]
    [InlineData(0.5, 2.0, 4.0, 0.2, 100.0)]
    [InlineData(0.0, 0.5, 8.0, 0.3, 1.2)]
    public void Maximize_LogLogistic_MatchesBruteForce(double mu, double sigma, double value, double floor, double maxBid)
    {
        var curve = new LogLogisticCurve(mu, sigma);
        var best = SurplusMaximizer.Maximize(curve, value, floor, maxBid);
        var (bid, surplus) = BruteForce(curve, value, floor, maxBid);
        Assert.True(best.IsBid);
        Assert.True(best.ExpectedSurplus >= surplus - 1e-9, $"{best.ExpectedSurplus} < grid {surplus}");
        Assert.Equal(bid, best.Bid, Math.Max(1e-3 * bid, (Math.Min(value, maxBid) - floor) / 100_000));
        Assert.Equal(curve.WinProbability(best.Bid), best.WinProbability, 12);
        Assert.Equal((value - best.Bid) * best.WinProbability, best.ExpectedSurplus, 12);
    }

    [Theory]
    [InlineData(1.0, 0.6, 1, 3.0, 0.4)]
    [InlineData(1.0, 0.6, 4, 3.0, 0.4)]
    [InlineData(0.8, 0.55, 8, 5.0, 0.3)]
    [InlineData(2.0, 0.3, 2, 2.5, 0.5)]
    [InlineData(0.5, 1.2, 6, 20.0, 0.05)]
    public void Maximize_MaximumOfLogNormals_MatchesBruteForce(double median, double sigma, int bidders, double value, double floor)
    {
        var curve = new CompetingBids(median, sigma, bidders, floor);
        var best = SurplusMaximizer.Maximize(curve, value, floor, 100);
        var (bid, surplus) = BruteForce(curve, value, floor, 100);
        Assert.True(best.ExpectedSurplus >= surplus - 1e-9, $"{best.ExpectedSurplus} < grid {surplus}");
        Assert.Equal(bid, best.Bid, Math.Max(1e-3 * bid, (value - floor) / 100_000));
    }

    [Fact]
    public void Maximize_LogLogisticFastPath_AgreesWithTheGenericMethod()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var curve = new LogLogisticCurve((random.NextDouble() * 8) - 4, 0.02 + (random.NextDouble() * 3));
            var value = Math.Exp((random.NextDouble() * 8) - 4);
            var floor = random.NextDouble() < 0.2 ? 0 : value * random.NextDouble() * 1.2;
            var maxBid = random.NextDouble() < 0.5 ? 100 : value * random.NextDouble() * 1.5;
            var fast = SurplusMaximizer.Maximize(curve, value, floor, maxBid);
            var generic = SurplusMaximizer.Maximize(new Generic(curve), value, floor, maxBid);
            Assert.Equal(generic.IsBid, fast.IsBid);
            Assert.Equal(generic.Bid, fast.Bid, Math.Max(1e-7 * generic.Bid, 1e-12));
            Assert.True(fast.ExpectedSurplus >= generic.ExpectedSurplus - (1e-9 * value), $"case {i}");
        }
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.0, -1.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.0, double.PositiveInfinity)]
    public void LogLogisticCurve_WithoutASpread_IsRefused(double mu, double sigma) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogLogisticCurve(mu, sigma));

    [Fact]
    public void Maximize_CompetitionFarAbove_BidsTheFloor_FarBelow_BidsJustAboveIt()
    {
        // Competition far below the floor: any bid at the floor wins, so bid the floor.
        var weak = SurplusMaximizer.Maximize(new LogLogisticCurve(Math.Log(0.01), 0.1), 5.0, 0.5, 100);
        Assert.Equal(0.5, weak.Bid, 9);
        Assert.Equal(1.0, weak.WinProbability, 6);
        // Competition far above the value: a bid still has a tiny chance, and the optimum stays below the value.
        var strong = SurplusMaximizer.Maximize(new LogLogisticCurve(Math.Log(100), 0.3), 2.0, 0.1, 100);
        Assert.InRange(strong.Bid, 0.1, 2.0);
        Assert.True(strong.WinProbability < 1e-4);
    }

    [Fact]
    public void Maximize_ACapBelowTheOptimum_BidsTheCap()
    {
        var curve = new LogLogisticCurve(Math.Log(3), 0.3);
        var free = SurplusMaximizer.Maximize(curve, 10.0, 0.1, 100);
        var capped = SurplusMaximizer.Maximize(curve, 10.0, 0.1, free.Bid / 2);
        Assert.Equal(free.Bid / 2, capped.Bid, 12);
    }

    [Theory]
    [InlineData(1.0, 1.0, 10.0)]
    [InlineData(1.0, 2.0, 10.0)]
    [InlineData(1.0, 0.5, 0.4)]
    [InlineData(0.0, 0.1, 10.0)]
    [InlineData(-1.0, 0.1, 10.0)]
    [InlineData(double.NaN, 0.1, 10.0)]
    [InlineData(1.0, double.NaN, 10.0)]
    [InlineData(1.0, 0.1, double.NaN)]
    [InlineData(double.PositiveInfinity, 0.1, 10.0)]
    public void Maximize_NothingToGain_NoBid(double value, double floor, double maxBid)
    {
        Assert.False(SurplusMaximizer.Maximize(new LogLogisticCurve(0, 0.5), value, floor, maxBid).IsBid);
    }

    [Fact]
    public void Maximize_AllocatesNothing()
    {
        var curves = Enumerable.Range(0, 64).Select(i => new LogLogisticCurve(-1 + (i * 0.05), 0.2 + (i * 0.01))).ToArray();
        var sum = 0.0;
        var bytes = SteadyState.AllocatedBytes(
            () =>
            {
                foreach (var curve in curves)
                {
                    sum += SurplusMaximizer.Maximize(curve, 3.0, 0.2, 8.0).Bid;
                }
            },
            100);
        Assert.Equal(0, bytes);
        Assert.True(sum > 0);
    }

    /// <summary>The same curve seen only through the interface: the generic method, not the fast path.</summary>
    private readonly struct Generic(LogLogisticCurve curve) : IWinCurve
    {
        public double WinProbability(double bid) => curve.WinProbability(bid);

        public double Elasticity(double bid) => curve.Elasticity(bid);
    }
}
