using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClickPredict.Cli.Demo;

/// <summary>The demo's live view (a terminal) or progress line (anything else), and its closing summary.</summary>
internal sealed class DemoView(DemoSettings settings, Uri bidderUrl, DemoTally tally, DemoMonitor monitor)
{
    private const int RecentBuckets = 8;
    private DemoCounters _previous = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
    private TimeSpan _previousAt;
    private DemoCounters _current = new(0, 0, 0, 0, 0, 0, 0, 0, 0, null, null);
    private double _rate;

    public static string Clock(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    /// <summary>The live view at <paramref name="elapsed"/> into the run.</summary>
    public IRenderable Render(TimeSpan elapsed)
    {
        Advance(elapsed);
        var c = _current;
        var bidder = monitor.Bidder;
        var trainer = monitor.Trainer;
        var server = bidder?.Series.LastOrDefault(b => b.P50Ms is not null);

        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        grid.AddRow(new Markup("[bold]Traffic[/]"), new Markup(Escape(
            $"{_rate:0} req/s (target {settings.Qps}) · bid rate {Percent(c.Bids, c.Requests)} · win rate {Percent(c.Wins, c.Bids)} · spend ${c.SpendUsd:0.00} · clicks {c.Clicks:N0} · errors {c.Errors:N0}{(c.Skipped > 0 ? $" · skipped {c.Skipped:N0}" : string.Empty)}")));
        grid.AddRow(new Markup("[bold]Latency[/]"), new Markup(Escape(
            $"client p50 {Ms(c.P50Ms)} p99 {Ms(c.P99Ms)} (HTTP on 127.0.0.1) · bidder p50 {Ms(server?.P50Ms)} p99 {Ms(server?.P99Ms)} (server time)")));
        grid.AddRow(new Markup("[bold]Trainer[/]"), new Markup(Escape(trainer is null
            ? "starting..."
            : $"examples joined {trainer.ExamplesEmitted:N0} · learned {trainer.ExamplesLearned:N0} · models published {trainer.Published}{(trainer.Failure is null ? string.Empty : " · FAILED: " + trainer.Failure)}")));
        grid.AddRow(new Markup("[bold]Fleet[/]"), new Markup(Escape(FleetLine())));
        grid.AddRow(new Markup("[bold]Serving[/]"), new Markup(Escape(
            $"{bidder?.Serving ?? "?"} · hot-swaps {monitor.Swaps}")));
        grid.AddRow(new Markup("[bold]Live log loss[/]"), new Markup(LiveLine()));
        var decision = bidder is { Decisions.Count: > 0 } ? bidder.Decisions[0] : null;
        if (decision is not null)
        {
            grid.AddRow(new Markup("[bold]Last decision[/]"), new Markup(Escape(
                $"{decision.AtUtc:HH:mm:ss} {decision.Decision}{(decision.Label is null ? string.Empty : " " + decision.Label)}: {string.Join("; ", decision.Reasons)}")));
        }

        var table = new Table().Border(TableBorder.Rounded).Title("recent buckets (impressions whose click window has passed)")
            .AddColumn("time").AddColumn("model").AddColumn(new TableColumn("impressions").RightAligned())
            .AddColumn(new TableColumn("live log loss").RightAligned()).AddColumn(new TableColumn("best possible").RightAligned())
            .AddColumn(new TableColumn("gap").RightAligned()).AddColumn(new TableColumn("calibration").RightAligned());
        foreach (var bucket in Labelled().TakeLast(RecentBuckets))
        {
            var best = BestMean(bucket);
            table.AddRow(
                DateTimeOffset.FromUnixTimeMilliseconds(bucket.StartUnixMs).ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                Escape(bucket.Model ?? "?"),
                bucket.Impressions.ToString("N0", CultureInfo.InvariantCulture),
                Loss(bucket.LogLoss),
                Loss(best),
                Loss(bucket.LogLoss - best),
                bucket.Calibration is { } cal ? cal.ToString("0.00", CultureInfo.InvariantCulture) : "-");
        }

        var header = new Markup($"[bold]ClickPredict demo[/] {Clock(elapsed)} / {Clock(settings.Duration)} · market seed {settings.Seed}{(settings.Drift ? " (drifting)" : string.Empty)} · status page {Escape(bidderUrl.ToString())}");
        return new Rows(header, grid, table);
    }

    /// <summary>One plain line for output that is not a terminal.</summary>
    public string Line(TimeSpan elapsed)
    {
        Advance(elapsed);
        var c = _current;
        var trainer = monitor.Trainer;
        return string.Create(CultureInfo.InvariantCulture,
            $"[{Clock(elapsed)}] {_rate:0} req/s · bid {Percent(c.Bids, c.Requests)} · win {Percent(c.Wins, c.Bids)} · p99 {Ms(c.P99Ms)} · spend ${c.SpendUsd:0.00} · examples {trainer?.ExamplesEmitted ?? 0:N0} · published {trainer?.Published ?? 0} · serving {monitor.Bidder?.Serving ?? "?"} ({monitor.Swaps} swaps) · {Markup.Remove(LiveLine())}");
    }

    /// <summary>Bidders, what the exchange has charged against the budgets, and the replayed notices.</summary>
    private string FleetLine()
    {
        var charged = tally.SpendByCampaign();
        var views = monitor.Bidders.Select(b => b?.Fleet).OfType<FleetSpend>().ToList();
        var budgets = views.FirstOrDefault()?.Campaigns ?? [];
        var exhausted = budgets.Count(c => charged.GetValueOrDefault(c.Id) >= c.BudgetUsd);
        var (_, replayed, refused, taken) = tally.Notices();
        return string.Create(CultureInfo.InvariantCulture,
            $"{settings.Bidders} bidder(s), {views.Count(v => v.Ready)} ready{(views.Any(v => v.State == "degraded") ? " (one degraded)" : string.Empty)} · charged ${charged.Values.Sum():0.00} of ${budgets.Sum(c => c.BudgetUsd):0.00} budgets ({exhausted} of {budgets.Count} campaigns spent) · notices replayed {replayed} (refused {refused}, taken {taken})");
    }

    /// <summary>The closing summary, as a table per served model and a verdict.</summary>
    public static void Summary(IAnsiConsole console, DemoSummary s)
    {
        console.WriteLine();
        console.MarkupLine(Escape(string.Create(CultureInfo.InvariantCulture,
            $"Demo {(s.Interrupted ? "interrupted" : "finished")} after {s.Seconds:0.0} s: {s.Requests:N0} requests ({s.Requests / Math.Max(1, s.Seconds):0} req/s), {s.Bids:N0} bids, {s.Wins:N0} wins, {s.Clicks:N0} clicks, spend ${s.SpendUsd:0.00}, {s.Errors:N0} errors; client p50 {Ms(s.ClientP50Ms)}, p99 {Ms(s.ClientP99Ms)}.")));
        console.MarkupLine(Escape(string.Create(CultureInfo.InvariantCulture,
            $"Trainer: {s.ExamplesJoined:N0} examples joined, {s.ExamplesLearned:N0} learned, {s.ModelsPublished} models published; the bidder hot-swapped {s.Swaps} times.")));
        var table = new Table().Border(TableBorder.Rounded).Title("live log loss of each model the bidder served")
            .AddColumn("model").AddColumn(new TableColumn("impressions").RightAligned()).AddColumn(new TableColumn("clicks").RightAligned())
            .AddColumn(new TableColumn("CTR").RightAligned()).AddColumn(new TableColumn("live log loss").RightAligned()).AddColumn(new TableColumn("best possible").RightAligned())
            .AddColumn(new TableColumn("gap").RightAligned());
        foreach (var m in s.Models)
        {
            table.AddRow(
                Escape(m.Label),
                m.Impressions.ToString("N0", CultureInfo.InvariantCulture),
                m.Clicks.ToString("N0", CultureInfo.InvariantCulture),
                Percent(m.Clicks, m.Impressions, "0.0"),
                Loss(m.LiveLogLoss),
                Loss(m.BestLogLoss),
                Loss(m.Gap));
        }

        console.Write(table);
        if (s.LiveLogLossImproved && DemoRunner.Judge(s.Models) is { } judged)
        {
            var (first, gap, impressions, count) = judged;
            console.MarkupLine(Escape(string.Create(CultureInfo.InvariantCulture,
                $"Live log loss moved towards the best possible: {(1 - (gap / first.Gap!.Value)) * 100:0}% of the gap closed ({first.Label} {first.Gap:0.0000} above it; the {count} model(s) after it {gap:0.0000}, over {impressions:N0} impressions).")));
        }
        else
        {
            console.MarkupLine(Escape(s.Swaps == 0
                ? "No model was swapped in: run longer (--duration) or faster (--qps) so the trainer has enough examples to beat the serving model."
                : "The live log loss did not (yet) move towards the best possible; a longer run gives the trainer more examples."));
        }

        FleetSummary(console, s);
        if (s.Warnings + s.LoggedErrors > 0)
        {
            console.MarkupLine(Escape($"The services logged {s.Warnings} warnings and {s.LoggedErrors} errors; the latest:"));
            foreach (var line in s.RecentLog.TakeLast(5))
            {
                console.MarkupLine("  " + Escape(line));
            }
        }
    }

    /// <summary>Budgets against what the exchange charged, notices charged twice or not at all, and the restart.</summary>
    private static void FleetSummary(IAnsiConsole console, DemoSummary s)
    {
        if (s.Campaigns.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title($"spend today against budgets ({s.Bidders} bidder(s); charged = the exchange's clearing prices)")
                .AddColumn("campaign").AddColumn(new TableColumn("budget").RightAligned()).AddColumn(new TableColumn("charged").RightAligned())
                .AddColumn(new TableColumn("of budget").RightAligned()).AddColumn(new TableColumn("bidders' ledger").RightAligned());
            foreach (var c in s.Campaigns)
            {
                table.AddRow(
                    Escape(c.Id),
                    Usd(c.BudgetUsd),
                    Usd(c.SpentUsd),
                    c.BudgetUsd > 0 ? (c.SpentUsd / c.BudgetUsd).ToString("0.0%", CultureInfo.InvariantCulture) : "-",
                    c.LedgerUsd is { } ledger ? Usd(ledger) : "-");
            }

            console.Write(table);
        }

        var n = s.Notices;
        console.MarkupLine(Escape(string.Create(CultureInfo.InvariantCulture,
            $"Win notices: {n.Sent:N0} sent, {n.Replayed:N0} replayed to another bidder ({n.ReplaysRefused:N0} refused as replays, {n.ReplaysTaken:N0} taken before the first was read back); charged twice {n.ChargedTwice}, not charged {n.NotCharged}.")));
        if (s.Restart is { } r)
        {
            console.MarkupLine(Escape(string.Create(CultureInfo.InvariantCulture,
                $"Bidder {r.Bidder} restarted at {r.AtSeconds:0.0} s ({r.DownSeconds:0.0} s out of the load balancer): it knew ${r.SpentBeforeUsd ?? 0:0.0000} of today's spend before, ${r.SpentAtReadyUsd ?? 0:0.0000} when ready again (read back from {r.ImpressionsReadBack ?? 0:N0} impressions; the exchange had charged ${r.ExchangeSpentAtReadyUsd:0.0000}).")));
        }
    }

    private static string Usd(decimal usd) => usd.ToString("$0.0000", CultureInfo.InvariantCulture);

    private void Advance(TimeSpan elapsed)
    {
        _current = tally.Snapshot();
        var seconds = (elapsed - _previousAt).TotalSeconds;
        if (seconds >= 0.5)
        {
            _rate = (_current.Requests - _previous.Requests) / seconds;
            _previous = _current;
            _previousAt = elapsed;
        }
    }

    /// <summary>The latest model's live log loss against the best possible, and the first model's gap for comparison.</summary>
    private string LiveLine()
    {
        var models = DemoRunner.ServedModels(monitor.Bidder, tally, CompleteBefore());
        if (models.Count == 0)
        {
            return Escape($"waiting for labels (a win's click is waited for {settings.LabelDelaySeconds} s)");
        }

        var latest = models[^1];
        var first = models[0];
        return Escape(string.Create(CultureInfo.InvariantCulture,
            $"{latest.Label}: {Loss(latest.LiveLogLoss)} vs best possible {Loss(latest.BestLogLoss)} (gap {Loss(latest.Gap)} over {latest.Impressions:N0} impressions){(models.Count > 1 ? $"; {first.Label}'s gap was {Loss(first.Gap)}" : string.Empty)}"));
    }

    /// <summary>Buckets the bidder has finished labelling: their click windows have all passed.</summary>
    private IEnumerable<StatusBucket> Labelled()
    {
        var before = CompleteBefore();
        return (monitor.Bidder?.Series ?? []).Where(b => b.LogLoss is not null && b.Impressions > 0 && b.StartUnixMs < before).OrderBy(b => b.StartUnixMs);
    }

    /// <summary>Start of the oldest bucket that may still gain labels (a second of slack for the polling).</summary>
    private long CompleteBefore() =>
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ((settings.BucketSeconds + settings.LabelDelaySeconds + 1) * 1000L);

    private double? BestMean(StatusBucket bucket)
    {
        var (count, sum) = tally.Best(bucket.StartUnixMs);
        return count > 0 ? sum / count : null;
    }

    private static string Percent(long part, long whole, string format = "0") =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString(format, CultureInfo.InvariantCulture) + "%";

    private static string Ms(double? ms) => ms is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.00} ms") : "-";

    private static string Loss(double? loss) => loss is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "-";

    private static string Escape(string text) => Markup.Escape(text);
}
