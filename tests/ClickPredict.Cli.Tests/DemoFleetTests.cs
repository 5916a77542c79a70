using System.Text.Json;
using ClickPredict.Cli.Commands;
using ClickPredict.Cli.Demo;
using Spectre.Console.Testing;

namespace ClickPredict.Cli.Tests;

public class DemoFleetTests
{
    /// <summary>
    /// Three bidders behind the simulated exchange, one broker, every campaign at a small budget, 1% of win
    /// notices replayed to another bidder, and the last bidder stopped and started again halfway: every
    /// budget binds and holds within the overspend bound the run measures, every bidder's ledger books what the
    /// exchange charged (no notice charged twice, none lost), and the restarted bidder comes back knowing the
    /// day's spend.
    /// </summary>
    [Fact]
    public void Demo_ThreeBidders_BudgetsBindOnceFleetWide_RestartForgetsNothing()
    {
        const decimal Budget = 0.5m;
        var output = CliRunner.Ok("demo", "--bidders", "3", "--duration", "30s", "--qps", "250", "--budget-usd", "0.5", "--restart-bidder-at", "50%", "--retrain-interval", "3600", "--json");
        var summary = JsonSerializer.Deserialize(output, DemoJsonContext.Default.DemoSummary)!;

        Assert.Equal(3, summary.Bidders);
        Assert.Equal(0, summary.Errors);
        Assert.Equal(0, summary.LoggedErrors);
        Assert.Equal(6, summary.Campaigns.Count);
        var seen = string.Join("; ", summary.Campaigns.Select(c => $"{c.Id} {c.SpentUsd} of {c.BudgetUsd} (ledger {c.LedgerUsd}, bound {c.OverspendBoundUsd})"));
        Assert.All(summary.Campaigns, c => Assert.Equal(Budget, c.BudgetUsd));

        // The budgets bind: nearly all of them is spent, and no campaign runs past its budget by more than the bound.
        Assert.True(summary.Campaigns.Sum(c => c.SpentUsd) >= summary.Campaigns.Sum(c => c.BudgetUsd) / 2, seen);
        Assert.All(summary.Campaigns, c => Assert.True(c.OverspendBoundUsd is { } bound && c.SpentUsd <= c.BudgetUsd + bound, seen));

        // What the exchange charged is what the bidders' ledgers booked: each notice once, none lost.
        Assert.All(summary.Campaigns, c => Assert.Equal(c.SpentUsd, c.LedgerUsd));
        Assert.Equal(0, summary.Notices.ChargedTwice);
        Assert.Equal(0, summary.Notices.NotCharged);
        Assert.Equal(summary.Wins, summary.Notices.Sent);
        Assert.Equal(summary.Notices.Replayed, summary.Notices.ReplaysRefused + summary.Notices.ReplaysTaken);

        // The restarted bidder knew at least as much of the day's spend when it was ready again as before it stopped.
        var restart = summary.Restart!;
        Assert.Equal(2, restart.Bidder);
        Assert.True(restart.SpentAtReadyUsd >= restart.SpentBeforeUsd, $"{restart}");
        Assert.True(restart.SpentAtReadyUsd <= restart.ExchangeSpentAtReadyUsd, $"{restart}");
        Assert.True(restart.ImpressionsReadBack > 0, $"{restart}");
    }

    [Fact]
    public void Summary_ShowsBudgetsNoticesAndTheRestart()
    {
        var console = new TestConsole().Width(160);
        DemoView.Summary(console, new DemoSummary
        {
            Bidders = 3,
            Campaigns = [new CampaignSummary { Id = "camp-running", BudgetUsd = 2m, SpentUsd = 2.0123m, LedgerUsd = 2.0123m }],
            Notices = new NoticeSummary { Sent = 2_500, Replayed = 24, ReplaysRefused = 3, ReplaysTaken = 21 },
            Restart = new BidderRestart { Bidder = 2, AtSeconds = 45, DownSeconds = 0.7, SpentBeforeUsd = 11m, SpentAtReadyUsd = 12m, ExchangeSpentAtReadyUsd = 12m, ImpressionsReadBack = 2_400 },
        });

        var text = console.Output;
        Assert.Contains("camp-running", text, StringComparison.Ordinal);
        Assert.Contains("100.6%", text, StringComparison.Ordinal);
        Assert.Contains("24 replayed to another bidder (3 refused as replays, 21 taken", text, StringComparison.Ordinal);
        Assert.Contains("charged twice 0", text, StringComparison.Ordinal);
        Assert.Contains("Bidder 2 restarted at 45.0 s", text, StringComparison.Ordinal);
        Assert.Contains("$12.0000 when ready again", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("50%", 0.5)]
    [InlineData("0.25", 0.25)]
    [InlineData("12.5%", 0.125)]
    public void RestartShare_Parses(string text, double share)
    {
        var parsed = DemoCommand.Create(new CliContext(TextWriter.Null, TextWriter.Null, false)).Parse(["--restart-bidder-at", text]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(share, parsed.GetValue<double?>("--restart-bidder-at"));
    }
}
