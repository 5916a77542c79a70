using ClickPredict.Core.Shading;

namespace ClickPredict.Core.Tests.Shading;

public class BidShaderTests
{
    private static readonly (WinRateModel Model, uint Key) s_trained = Trained();

    private static (WinRateModel, uint) Trained()
    {
        var (learner, key) = WinRateLearnerTests.Learn(5000, minToWin: true);
        return (learner.ToModel(), key);
    }

    private static ShadingContext Context(double floor = 0.1) => new(s_trained.Key, 300, 250, floor, 13, 2, false);

    [Fact]
    public void Shade_NoModel_IsTheFixedFactor()
    {
        var shader = new BidShader(new ShadingOptions { ExplorationShare = 0 });
        var bid = shader.Shade<WinRateModel>(null, Context(), 3.0, 8.0, 0.5);
        Assert.Equal(2.4, bid.Bid, 12);
        Assert.Equal((ShadingSource.Fallback, false), (bid.Source, bid.Explored));
        Assert.True(double.IsNaN(bid.WinProbability));
        // The floor when the factor falls below a floor still under the value; nothing when the floor is above it.
        Assert.Equal(2.6, shader.Shade<WinRateModel>(null, Context(floor: 2.6), 3.0, 8.0, 0.5).Bid);
        Assert.False(shader.Shade<WinRateModel>(null, Context(floor: 3.5), 3.0, 8.0, 0.5).IsBid);
        Assert.Equal(2.0, shader.Shade<WinRateModel>(null, Context(), 3.0, 2.0, 0.5).Bid);
    }

    [Fact]
    public void Shade_TooFewOutcomesOnTheExchange_FallsBack_ThenUsesTheModel()
    {
        var strict = new BidShader(new ShadingOptions { ExplorationShare = 0, MinObservations = 5001 });
        Assert.Equal(ShadingSource.Fallback, strict.Shade(s_trained.Model, Context(), 3.0, 8.0, 0.5).Source);
        var unknown = new ShadingContext(ShadingContext.KeyOf("elsewhere"), 300, 250, 0.1, 13, 2, false);
        var shader = new BidShader(new ShadingOptions { ExplorationShare = 0 });
        Assert.Equal(ShadingSource.Fallback, shader.Shade(s_trained.Model, unknown, 3.0, 8.0, 0.5).Source);

        var bid = shader.Shade(s_trained.Model, Context(), 3.0, 8.0, 0.5);
        var best = SurplusMaximizer.Maximize(s_trained.Model.Curve(Context()), 3.0, 0.1, 8.0);
        Assert.Equal((best.Bid, ShadingSource.Model, false, best.WinProbability, best.ExpectedSurplus), (bid.Bid, bid.Source, bid.Explored, bid.WinProbability, bid.ExpectedSurplus));
        // The market's median for this size is $1: worth $3, the bid is shaded well below the value.
        Assert.InRange(bid.Bid, 0.9, 2.0);
    }

    [Fact]
    public void Plan_OncePerImp_PricesEachCreativeAsShadeDoes()
    {
        var shader = new BidShader();
        var plan = shader.Plan(s_trained.Model, Context());
        Assert.Equal(ShadingSource.Model, plan.Source);
        Assert.Equal(s_trained.Model.Curve(Context()), plan.Curve);
        Assert.Equal(ShadingSource.Fallback, shader.Plan<WinRateModel>(null, Context()).Source);
        foreach (var value in new[] { 0.05, 0.5, 1.0, 3.0, 20.0 })
        {
            foreach (var uniform in new[] { 0.01, 0.5 })
            {
                Assert.Equal(shader.Shade(s_trained.Model, Context(), value, 8.0, uniform), shader.Shade(plan, value, 8.0, uniform));
            }
        }
    }

    [Fact]
    public void Shade_Explores_TheConfiguredShare_WithinItsBounds()
    {
        var shader = new BidShader(new ShadingOptions { ExplorationShare = 0.1, ExplorationWidth = 0.3 });
        var best = shader.Shade(s_trained.Model, Context(), 3.0, 8.0, 0.99).Bid;
        var explored = 0;
        const int n = 10_000;
        for (var i = 0; i < n; i++)
        {
            var uniform = (i + 0.5) / n;
            var bid = shader.Shade(s_trained.Model, Context(), 3.0, 8.0, uniform);
            Assert.Equal(uniform < 0.1, bid.Explored);
            if (bid.Explored)
            {
                explored++;
                Assert.InRange(bid.Bid, best * Math.Exp(-0.3) * 0.999999, best * Math.Exp(0.3) * 1.000001);
                Assert.Equal(s_trained.Model.Curve(Context()).WinProbability(bid.Bid), bid.WinProbability, 12);
            }
            else
            {
                Assert.Equal(best, bid.Bid);
            }
        }

        Assert.Equal(n / 10, explored);
        // Exploring never bids above the value or the max bid, nor below the floor.
        for (var i = 0; i < 100; i++)
        {
            var near = shader.Shade(s_trained.Model, Context(floor: 0.9), 1.0, 8.0, i / 1000.0);
            Assert.InRange(near.Bid, 0.9, 1.0);
        }
    }

    [Fact]
    public void Shade_WithAModel_AllocatesNothing()
    {
        var shader = new BidShader();
        var model = s_trained.Model;
        var context = Context();
        var sum = 0.0;
        var bytes = SteadyState.AllocatedBytes(() => sum += shader.Shade(model, context, 3.0, 8.0, 0.5).Bid, 1000);
        Assert.Equal(0, bytes);
        Assert.True(sum > 0);
    }

    [Theory]
    [InlineData(0.0, "FallbackFactor")]
    [InlineData(1.5, "FallbackFactor")]
    public void Options_OutOfRange_AreRefusedByName(double factor, string name)
    {
        Assert.Contains(name, Assert.Throws<ArgumentException>(() => new BidShader(new ShadingOptions { FallbackFactor = factor })).Message);
        Assert.Contains("ExplorationShare", Assert.Throws<ArgumentException>(() => new BidShader(new ShadingOptions { ExplorationShare = 1 })).Message);
    }
}
