using ClickPredict.Core.Events;
using ClickPredict.Core.Shading;
using ClickPredict.Trainer.WinRate;

namespace ClickPredict.Trainer.Tests.WinRate;

public sealed class WinRateJoinTests
{
    private const long T0 = 1_780_000_000_000;

    internal static BidEvent Bid(string id, long timeMs, decimal price = 1.2m, int auctionType = 1, string exchange = "fp", string? pricing = BidEvent.PricingModel) => new()
    {
        BidId = id,
        TimeUnixMs = timeMs,
        Exchange = exchange,
        PriceCpm = price,
        Currency = "USD",
        AuctionType = auctionType,
        Pricing = pricing,
        FloorCpmUsd = 0.1,
        ValueCpmUsd = 3,
        Fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["imp.size"] = "300x250", ["time.hour"] = "13", ["device.type"] = "2", ["channel"] = "app" },
    };

    internal static ImpressionEvent Win(string id, long timeMs, decimal? minToWin = null) =>
        new() { BidId = id, TimeUnixMs = timeMs, BidPriceCpmUsd = 1.2m, MinToWinCpmUsd = minToWin };

    internal static LossEvent Loss(string id, long timeMs, int? reason = LossEvent.LostToHigherBid, decimal? minToWin = null) =>
        new() { BidId = id, TimeUnixMs = timeMs, BidPriceCpmUsd = 1.2m, LossReason = reason, MinToWinCpmUsd = minToWin };

    [Fact]
    public void Join_LearnsEachFirstPriceBidOnce_FromItsWinLossOrSilence()
    {
        var join = new WinRateJoin(new WinRateLearner(), winWaitSeconds: 300);
        join.Bid(Bid("won", T0));
        join.Bid(Bid("lost", T0));
        join.Bid(Bid("silent", T0));
        join.Bid(Bid("second-price", T0, auctionType: 2));
        join.Bid(Bid("old-event", T0, pricing: null));
        join.Won(Win("won", T0 + 100, minToWin: 0.9m));
        join.Lost(Loss("lost", T0 + 100, minToWin: 1.5m));

        // The same notices again, and a loss notice for the bid that won: each bid is learned once.
        join.Won(Win("won", T0 + 200));
        join.Lost(Loss("lost", T0 + 200));
        join.Lost(Loss("won", T0 + 200));
        Assert.Equal((1L, 1L, 0L, 2L, 3L), (join.Wins, join.Losses, join.Censored, join.MinToWinReports, join.Duplicates));
        Assert.Equal(1, join.Pending);

        // No notice within the wait: a censored loss at the bid.
        join.Advance(T0 + 299_999);
        Assert.Equal(0L, join.Censored);
        join.Advance(T0 + 300_000);
        Assert.Equal((1L, 0), (join.Censored, join.Pending));
        Assert.Equal(3, join.Learner.Observations);
        Assert.Equal(3, join.Learner.ObservationsOf(ShadingContext.KeyOf("fp")));
        Assert.Equal(3, join.Window.Count);
    }

    [Fact]
    public void Join_NoticeBeforeItsBid_WaitsForIt()
    {
        var join = new WinRateJoin(new WinRateLearner(), winWaitSeconds: 300);
        join.Lost(Loss("b", T0));
        Assert.Equal(0, join.Learner.Observations);
        join.Bid(Bid("b", T0 + 5));
        Assert.Equal((1L, 1L), (join.Losses, join.Learner.Observations));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(103)]
    [InlineData(1)]
    public void Join_LossForAnotherReasonThanAHigherBid_IsNotLearned(int reason)
    {
        var join = new WinRateJoin(new WinRateLearner(), winWaitSeconds: 300);
        join.Bid(Bid("b", T0));
        join.Lost(Loss("b", T0 + 10, reason));
        join.Advance(T0 + 1_000_000);
        Assert.Equal((0L, 0L, 1L, 0L), (join.Learner.Observations, join.Censored, join.Skipped, join.Losses));
    }

    [Fact]
    public void Join_LossWithoutAReason_IsLearned()
    {
        var join = new WinRateJoin(new WinRateLearner(), winWaitSeconds: 300);
        join.Bid(Bid("b", T0));
        join.Lost(Loss("b", T0 + 10, reason: null));
        Assert.Equal(1L, join.Losses);
    }

    [Fact]
    public void Join_ScoresEachOutcomeByTheChampionToo()
    {
        var join = new WinRateJoin(new WinRateLearner(), winWaitSeconds: 300);
        join.Bid(Bid("a", T0));
        join.Won(Win("a", T0 + 1));
        Assert.True(double.IsNaN(join.Window.ChampionLogLoss));
        join.Champion = join.Learner.ToModel();
        join.Bid(Bid("b", T0 + 2));
        join.Lost(Loss("b", T0 + 3));
        var (count, learner, champion) = join.Window;
        Assert.Equal(2, count);
        Assert.True(double.IsFinite(learner) && double.IsFinite(champion) && champion > 0);
        join.ResetWindow();
        Assert.Equal(0, join.Window.Count);
    }
}
