using System.Text.Json;
using ClickPredict.Cli.Commands;
using ClickPredict.Cli.Demo;
using ClickPredict.Core.Registry;
using Spectre.Console.Testing;

namespace ClickPredict.Cli.Tests;

public class DemoTests
{
    /// <summary>
    /// The end-to-end path on 127.0.0.1, as <c>clickpredict demo</c> runs it: simulated exchange traffic -> the
    /// bidder (Kestrel) -> bid, win and click events on the embedded Kafka broker -> the trainer's joiner and
    /// learner -> a model published to the registry -> the bidder hot-swaps it, and the live log loss of the
    /// served pCTRs moves from the shipped default model's towards the best possible (the hidden true CTRs').
    /// </summary>
    [Fact]
    public void Demo_ShortRun_PublishesSwapsAndLiveLogLossMovesTowardsTheBestPossible()
    {
        using var directory = new TempDirectory();
        var output = CliRunner.Ok("demo", "--duration", "50s", "--qps", "250", "--retrain-interval", "10", "--label-delay", "3", "--dir", directory.Path, "--json");
        var summary = JsonSerializer.Deserialize(output, DemoJsonContext.Default.DemoSummary)!;

        Assert.False(summary.Interrupted);
        Assert.InRange(summary.Seconds, 49, 60);
        Assert.True(summary.Requests > 5_000, $"{summary.Requests} requests");
        Assert.True(summary.Bids > 0 && summary.Wins > 0 && summary.Clicks > 0);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(0, summary.LoggedErrors);
        // Every win the bidder logged became one example: the joiner waited out each click window.
        Assert.Equal(summary.Wins, summary.ExamplesJoined);

        Assert.True(summary.ModelsPublished >= 1, "no model published");
        Assert.True(summary.Swaps >= 1, "the bidder never swapped");
        Assert.StartsWith("ctr-default", summary.Models[0].Label, StringComparison.Ordinal);
        Assert.True(summary.Models.Count >= 2, "only the default model served labelled impressions");
        Assert.All(summary.Models, m => Assert.True(m.LiveLogLoss > 0 && m.BestLogLoss > 0));
        Assert.True(summary.LiveLogLossImproved, $"published models' pooled gap {summary.PublishedGap}; " + string.Join("; ", summary.Models.Select(m => $"{m.Label} gap {m.Gap} over {m.Impressions}")));

        // What the bidder swapped in is what the trainer published, with its lineage, in the registry kept in --dir.
        var index = new ModelRegistry(Path.Combine(directory.Path, "registry")).ReadIndex();
        Assert.Equal(summary.ModelsPublished, index.Versions.Count);
        Assert.Contains(summary.Models[^1].Label, index.Versions.Select(e => e.Label));

        // Between retrains the policy ran recalibrate-only rounds, and the summary shows the live calibration.
        var decisions = new ModelRegistry(Path.Combine(directory.Path, "registry")).ReadDecisions();
        Assert.Contains(decisions, d => d.Reasons.Contains("trigger recalibrate"));
        // A 50 s run may not reach one window of 400 clicks; the 100-click figures beside them have some.
        Assert.NotNull(summary.LiveCalibration);
        Assert.Equal(3, summary.LiveCalibration.LabelDelaySeconds);
        Assert.All(summary.LiveCalibration.Windows, w => Assert.True(w.Clicks >= DemoCalibration.MinClicks && w.Calibration > 0));
        var hundred = summary.LiveCalibration.HundredClickWindows!;
        Assert.NotEmpty(hundred.Windows);
        Assert.All(hundred.Windows, w => Assert.True(w.Clicks >= DemoCalibration.HundredClicks && w.Calibration > 0));
        // First-price auctions: losses told by lurl and taken, a win-rate model learned, published, and pricing bids.
        var shading = summary.Shading!;
        Assert.True(shading.FirstPriceBids > 0 && shading.Wins > 0 && shading.LossNotices > 0, $"{shading}");
        Assert.Equal(0, shading.LossNoticesRefused);
        Assert.True(shading.SpendUsd > 0 && shading.ValueWonUsd > 0, $"{shading}");
        // The three are each rounded to six decimals in the summary: they agree to within three half-units of that.
        Assert.Equal(shading.ValueWonUsd - (double)shading.SpendUsd, shading.SurplusUsd, tolerance: 1.5e-6);
        Assert.True(shading.WinRateModelsPublished >= 1, $"{shading}");
        Assert.Equal("model", shading.PricedBy);
        Assert.StartsWith("winrate@", shading.WinRateModel, StringComparison.Ordinal);
        Assert.NotNull(new ModelRegistry(Path.Combine(directory.Path, "winrate")).ReadIndex().ChampionEntry);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("1h30m", 5400)]
    [InlineData("2m30s", 150)]
    [InlineData("00:02:00", 120)]
    public void Duration_Parses(string text, double seconds)
    {
        Assert.True(DemoCommand.TryParseDuration(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("")]
    public void Duration_RefusesGarbage(string text) => Assert.False(DemoCommand.TryParseDuration(text, out _));

    [Theory]
    [InlineData("--duration", "0s", "--duration")]
    [InlineData("--duration", "soon", "--duration")]
    [InlineData("--qps", "0", "--qps")]
    [InlineData("--qps", "50000", "--qps")]
    [InlineData("--bidders", "0", "--bidders")]
    [InlineData("--bidders", "17", "--bidders")]
    [InlineData("--budget-usd", "0", "--budget-usd")]
    [InlineData("--budget-usd", "-3", "--budget-usd")]
    [InlineData("--restart-bidder-at", "0%", "--restart-bidder-at")]
    [InlineData("--restart-bidder-at", "100%", "--restart-bidder-at")]
    [InlineData("--restart-bidder-at", "half", "--restart-bidder-at")]
    [InlineData("--label-delay", "0", "--label-delay")]
    [InlineData("--label-delay", "601", "--label-delay")]
    public void Demo_BadOption_OneErrorLineAndUsageExit(string option, string value, string named)
    {
        var (exit, output, error) = CliRunner.Run("demo", option, value);
        Assert.Equal(CliApp.Usage, exit);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ShowsEachServedModelAndTheVerdict()
    {
        var console = new TestConsole().Width(160);
        DemoView.Summary(console, new DemoSummary
        {
            Seconds = 120,
            Requests = 36_000,
            Bids = 35_000,
            Wins = 30_000,
            Clicks = 1_500,
            SpendUsd = 150.5m,
            ModelsPublished = 3,
            Swaps = 3,
            LiveLogLossImproved = true,
            Models =
            [
                new ServedModel { Label = "ctr-default@1", Impressions = 5_000, Clicks = 250, LiveLogLoss = 0.2130, BestLogLoss = 0.1850 },
                new ServedModel { Label = "ctr@3", Impressions = 9_000, Clicks = 450, LiveLogLoss = 0.1930, BestLogLoss = 0.1860 },
            ],
        });

        var text = console.Output;
        Assert.Contains("ctr-default@1", text, StringComparison.Ordinal);
        Assert.Contains("0.0280", text, StringComparison.Ordinal);
        Assert.Contains("0.0070", text, StringComparison.Ordinal);
        Assert.True(text.Contains("75% of the gap closed", StringComparison.Ordinal), text);
        Assert.Contains("3 models published", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// The verdict pools the impressions of every model served after the first: one late model's few hundred
    /// impressions say little on their own (a noisy gap above the first's must not overturn the rest).
    /// </summary>
    [Fact]
    public void Judge_PoolsTheModelsServedAfterTheFirstByImpressions()
    {
        ServedModel Model(string label, long impressions, double? live, double? best = 0.2) =>
            new() { Label = label, Impressions = impressions, LiveLogLoss = live, BestLogLoss = best };

        var judged = DemoRunner.Judge([
            Model("none-yet", 0, null, null),
            Model("ctr-default@1", 4_000, 0.23),
            Model("ctr@1", 1_500, 0.22),
            Model("ctr@2", 300, 0.24),
        ]);

        Assert.NotNull(judged);
        var (first, gap, impressions, count) = judged.Value;
        Assert.Equal("ctr-default@1", first.Label);
        Assert.Equal(1_800, impressions);
        Assert.Equal(2, count);
        // (0.02 x 1,500 + 0.04 x 300) / 1,800: below the first's 0.03 though the last model alone is above it.
        Assert.Equal(0.042 / 1.8, gap, 9);

        // Too few impressions after the first: no verdict.
        Assert.Null(DemoRunner.Judge([Model("ctr-default@1", 4_000, 0.23), Model("ctr@1", DemoRunner.MinImpressionsToJudge - 1, 0.21)]));
        Assert.Null(DemoRunner.Judge([Model("ctr-default@1", 4_000, 0.23)]));
    }

    [Fact]
    public void ServedModels_GroupsCompleteBucketsByModelWeightingTheBestPossibleByImpressions()
    {
        var tally = new DemoTally(5);
        // Bucket 0-5 s: two wins; bucket 5-10 s: one win; bucket 10-15 s: still labelling.
        tally.Won(1_000, 1m, 0.5, clicked: true);
        tally.Won(2_000, 1m, 0.5, clicked: false);
        tally.Won(6_000, 1m, 0.1, clicked: false);
        var bidder = new BidderState("b", 2, [
            new StatusBucket(0, 10, 10, null, null, 2, 1, 0.8, 1.0, "a"),
            new StatusBucket(5_000, 10, 10, null, null, 1, 0, 0.2, 1.0, "b"),
            new StatusBucket(10_000, 10, 10, null, null, 1, 0, 0.9, 1.0, "b"),
        ], []);

        var models = DemoRunner.ServedModels(bidder, tally, completeBeforeUnixMs: 10_000);

        Assert.Equal(["a", "b"], models.Select(m => m.Label));
        Assert.Equal(0.8, models[0].LiveLogLoss!.Value, 12);
        Assert.Equal(-Math.Log(0.5), models[0].BestLogLoss!.Value, 12);
        Assert.Equal(1, models[1].Impressions);
        Assert.Equal(-Math.Log(0.9), models[1].BestLogLoss!.Value, 12);
    }
}
