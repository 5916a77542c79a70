using ClickPredict.Core.Registry;
using ClickPredict.Core.Shading;
using ClickPredict.Trainer.Options;
using ClickPredict.Trainer.WinRate;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClickPredict.Trainer.Tests.WinRate;

public sealed class WinRatePublisherTests : IDisposable
{
    private const long T0 = 1_780_000_000_000;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clickpredict-winrate-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Feeds <paramref name="count"/> bids against a market whose price to beat is about $1, won or lost by notice.</summary>
    private static void Feed(WinRateJoin join, int count, int seed, long startMs)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var id = $"{seed}-{i}";
            var price = (decimal)Math.Round(Math.Exp(Math.Log(0.3) + (random.NextDouble() * Math.Log(10))), 4);
            var toBeat = Math.Exp(0.3 * (random.NextDouble() - 0.5));
            join.Bid(WinRateJoinTests.Bid(id, startMs + i, price));
            if ((double)price >= toBeat)
            {
                join.Won(WinRateJoinTests.Win(id, startMs + i));
            }
            else
            {
                join.Lost(WinRateJoinTests.Loss(id, startMs + i));
            }
        }
    }

    private WinRatePublisher Publisher(double maxRatio = 1.0) => new(
        new ModelRegistry(_directory),
        new WinRateTrainerOptions { PublishEveryOutcomes = 500, MinOutcomes = 800, MaxLogLossRatio = maxRatio },
        TimeProvider.System,
        NullLogger.Instance);

    [Fact]
    public void Publisher_PublishesAfterMinOutcomes_ThenEachGatedCandidateWithItsParent()
    {
        var publisher = Publisher();
        var join = new WinRateJoin(new WinRateLearner(), 300);
        Assert.True(publisher.Refresh(join, force: true));
        Assert.Null(publisher.Champion);

        Feed(join, 500, seed: 1, T0);
        Assert.Null(publisher.Decide(join));           // 500 outcomes: fewer than MinOutcomes
        Feed(join, 500, seed: 2, T0 + 1_000);
        var first = publisher.Decide(join);
        Assert.NotNull(first);
        Assert.Equal(("winrate@1", (string?)null), (first!.Label, first.Parent));
        Assert.Contains("first win-rate model", first.Reason, StringComparison.Ordinal);

        Feed(join, 500, seed: 3, T0 + 2_000);
        var second = publisher.Decide(join);
        Assert.NotNull(second);
        Assert.Equal(("winrate@2", "winrate@1"), (second!.Label, second.Parent));
        Assert.True(second.Metrics["windowWinLogLoss"] <= second.Metrics["championWindowWinLogLoss"]);

        var registry = new ModelRegistry(_directory);
        var served = registry.LoadWinRateChampion(out var entry);
        Assert.Equal("winrate@2", entry!.Label);
        Assert.Equal(1_500, served!.Info.Observations);
        Assert.Equal(ModelRegistry.WinRateAlgorithm, entry.Algorithm);
    }

    [Fact]
    public void Publisher_CandidateWorseThanTheChampion_IsNotPublished()
    {
        var publisher = Publisher(maxRatio: 0.5);
        var join = new WinRateJoin(new WinRateLearner(), 300);
        publisher.Refresh(join, force: true);
        Feed(join, 1_000, seed: 1, T0);
        Assert.NotNull(publisher.Decide(join));
        Feed(join, 500, seed: 2, T0 + 2_000);
        Assert.Null(publisher.Decide(join));
        Assert.Equal((1L, 1L, "winrate@1"), (publisher.Published, publisher.Kept, publisher.Champion));
    }

    [Fact]
    public void Publisher_ChampionRolledBackInTheRegistry_LearningGoesOnFromIt()
    {
        var publisher = Publisher();
        var join = new WinRateJoin(new WinRateLearner(), 300);
        publisher.Refresh(join, force: true);
        Feed(join, 1_000, seed: 1, T0);
        publisher.Decide(join);
        Feed(join, 500, seed: 2, T0 + 2_000);
        publisher.Decide(join);
        Assert.Equal("winrate@2", publisher.Champion);

        new ModelRegistry(_directory).SetChampion("winrate@1");
        Assert.True(publisher.Refresh(join, force: false));
        Assert.Equal("winrate@1", publisher.Champion);
        Assert.Equal(1_000, join.Learner.Observations);
        Assert.Equal(1_000, join.Champion!.Info.Observations);

        // A later publish descends from the rolled-back champion.
        Feed(join, 500, seed: 3, T0 + 4_000);
        Assert.Equal(("winrate@3", "winrate@1"), (publisher.Decide(join)!.Label, new ModelRegistry(_directory).ReadIndex().Find("winrate@3")!.Parent));
    }

    [Fact]
    public void Publisher_CorruptChampionFile_IsRefusedAndLearningStartsFresh()
    {
        var publisher = Publisher();
        var join = new WinRateJoin(new WinRateLearner(), 300);
        publisher.Refresh(join, force: true);
        Feed(join, 1_000, seed: 1, T0);
        var entry = publisher.Decide(join)!;
        var path = new ModelRegistry(_directory).PathOf(entry);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(path, bytes);

        var restarted = new WinRateJoin(new WinRateLearner(), 300);
        Assert.False(Publisher().Refresh(restarted, force: true));
        Assert.Null(restarted.Champion);
        Assert.Equal(0, restarted.Learner.Observations);
    }
}
