using ClickPredict.Core.Model;
using ClickPredict.Core.Shading;

namespace ClickPredict.Core.Tests.Shading;

public class WinRateLearnerTests
{
    /// <summary>A known market on one exchange: two sizes whose prices to beat are log-logistic with different medians and spreads.</summary>
    internal static readonly (int W, int H, double Median, double Sigma)[] Truth = [(300, 250, 1.0, 0.3), (728, 90, 2.5, 0.5)];

    /// <summary>Feeds <paramref name="count"/> outcomes of bids spread log-uniformly over $0.2-$10 against <see cref="Truth"/>.</summary>
    internal static (WinRateLearner Learner, uint Key) Learn(int count, bool minToWin, int seed = 1, double shift = 0, WinRateLearner? into = null)
    {
        var learner = into ?? new WinRateLearner();
        var key = learner.Track("x");
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var (w, h, median, sigma) = Truth[i % Truth.Length];
            var u = Math.Clamp(random.NextDouble(), 1e-12, 1 - 1e-12);
            var toBeat = Math.Max(0.1, Math.Exp(Math.Log(median) + shift + (sigma * Logistic.Logit(u))));
            var bid = Math.Exp(Math.Log(0.2) + (random.NextDouble() * Math.Log(50)));
            var context = new ShadingContext(key, w, h, 0.1, 13, 2, false);
            learner.Observe(context, bid, bid >= toBeat, minToWin ? toBeat : double.NaN);
        }

        return (learner, key);
    }

    [Theory]
    [InlineData(false, 80_000, 0.03)]
    [InlineData(true, 10_000, 0.02)]
    public void Learner_RecoversAKnownWinCurve(bool minToWin, int count, double tolerance)
    {
        var (learner, key) = Learn(count, minToWin);
        foreach (var (w, h, median, sigma) in Truth)
        {
            var truth = new LogLogisticCurve(Math.Log(median), sigma);
            var learned = learner.Curve(new ShadingContext(key, w, h, 0.1, 13, 2, false));
            foreach (var bid in new[] { 0.3, 0.6, 1.0, 1.5, 2.5, 4.0, 7.0 })
            {
                Assert.InRange(learned.WinProbability(bid), truth.WinProbability(bid) - tolerance, truth.WinProbability(bid) + tolerance);
            }

            Assert.InRange(learned.MedianCpm / median, 0.95, 1.05);
        }

        Assert.Equal(count, learner.Observations);
        Assert.Equal(count, learner.ObservationsOf(key));
        Assert.Equal(count, learner.Validation.Count);
    }

    [Fact]
    public void Learner_FollowsAMarketThatMoves()
    {
        var (learner, key) = Learn(40_000, minToWin: false);
        var context = new ShadingContext(key, 300, 250, 0.1, 13, 2, false);
        Assert.InRange(learner.Curve(context).MedianCpm, 0.93, 1.07);
        // Prices to beat rise by half and stay there.
        Learn(40_000, minToWin: false, seed: 2, shift: Math.Log(1.5), into: learner);
        Assert.InRange(learner.Curve(context).MedianCpm, 1.5 * 0.93, 1.5 * 1.07);
    }

    [Fact]
    public void Learner_MinToWinAtTheFloor_SaysOnlyThePriceWasBelowIt()
    {
        var learner = new WinRateLearner();
        var key = learner.Track("x");
        var context = new ShadingContext(key, 300, 250, 0.5, 13, 2, false);
        for (var i = 0; i < 5000; i++)
        {
            // Nobody else bid above the floor: every report is the floor itself.
            learner.Observe(context, 0.8, won: true, minToWin: 0.5);
        }

        // The price to beat is below the floor, so a bid at the floor nearly always wins.
        Assert.True(learner.Curve(context).WinProbability(0.5) > 0.95);
    }

    [Fact]
    public void Observe_BadInput_IsRefusedWithAClearMessage()
    {
        var learner = new WinRateLearner();
        var key = learner.Track("x");
        var unknown = new ShadingContext(ShadingContext.KeyOf("y"), 300, 250, 0.1, 1, 2, false);
        Assert.Contains("never tracked", Assert.Throws<ArgumentException>(() => learner.Observe(unknown, 1.0, true)).Message);
        var context = new ShadingContext(key, 300, 250, 0.1, 1, 2, false);
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Observe(context, 0, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Observe(context, double.NaN, true));
        Assert.Equal(0, learner.Observations);
        Assert.Equal(key, learner.Track("x"));
        Assert.Contains("lambda2", Assert.Throws<ArgumentException>(() => new WinRateLearner(new WinRateLearnerOptions { Lambda2 = -1 })).Message);
    }

    [Fact]
    public void ToModel_PredictsAsTheLearner_AndResumeContinuesFromIt()
    {
        var (learner, key) = Learn(5000, minToWin: false);
        var model = learner.ToModel(new WinRateModelInfo { Version = 3 });
        var context = new ShadingContext(key, 728, 90, 0.1, 13, 2, false);
        Assert.Equal(learner.Curve(context), model.Curve(context));
        Assert.Equal(3, model.Info.Version);
        Assert.Equal(5000, model.Info.Observations);
        Assert.Equal(5000, model.ObservationsOf(key));
        Assert.True(model.Info.Metrics["winLogLoss"] > 0);
        Assert.Equal(learner.Options.LearningRate, model.Info.HyperParameters[WinRateLearnerOptions.LearningRateKey]);
        var exchange = Assert.Single(model.Exchanges);
        Assert.Equal(("x", 5000L, 0L), (exchange.Name, exchange.Observations, exchange.MinToWinReports));

        var resumed = WinRateLearner.Resume(model);
        Assert.Equal(model.Curve(context), resumed.Curve(context));
        Assert.Equal(5000, resumed.Observations);
        Learn(5000, minToWin: false, seed: 3, into: resumed);
        Assert.Equal(10_000, resumed.ToModel().ObservationsOf(key));
        // The model is a copy: learning on does not move it.
        Assert.Equal(learner.Curve(context), model.Curve(context));
    }
}
