using System.Diagnostics;
using System.Net;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Simulation;
using Spectre.Console;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// Runs the demo: starts the system (<see cref="DemoSystem"/>), drives simulated traffic at it
/// (<see cref="DemoTraffic"/>) while a live view shows what happens, then waits for the last labels,
/// stops everything in order and returns the summary.
/// </summary>
internal sealed class DemoRunner(CliContext context, DemoSettings settings)
{
    /// <summary>Without a terminal (a pipe, a file, CI), a progress line every so many seconds instead of the live view.</summary>
    private const int PlainEverySeconds = 10;

    public async Task<DemoSummary> RunAsync(bool quiet, CancellationToken cancellationToken)
    {
        var console = context.Console;
        if (!quiet)
        {
            console.MarkupLine($"[bold]ClickPredict demo[/]: starting the embedded Kafka broker, {(settings.Bidders == 1 ? "the bidder" : $"{settings.Bidders} bidders")} and the trainer (market seed {settings.Seed}{(settings.Drift ? ", drifting" : string.Empty)})...");
        }

        await using var system = await DemoSystem.StartAsync(settings, cancellationToken).ConfigureAwait(false);
        using var bidders = new DemoBidders([.. system.BidderUrls.Select(Client)], settings.Seed + 77);
        using var trainerHttp = Client(system.TrainerUrl);
        var simulator = new TrafficSimulator(new SimulatorOptions
        {
            Seed = settings.Seed,
            OutcomeSeed = settings.Seed + 4200,
            DriftPerDay = settings.DriftPerDay,
            // The simulated clock keeps pace with the real one.
            RequestsPerSecond = settings.Qps,
            Start = DateTimeOffset.UtcNow,
        });
        var tally = new DemoTally(settings.BucketSeconds);
        var shading = new DemoShading(DemoShading.ValuesPerClick());
        using var traffic = new DemoTraffic(simulator, bidders, tally, settings.ReplayShare, settings.Seed + 78) { Shading = shading };
        var monitor = new DemoMonitor(bidders, trainerHttp);
        var view = new DemoView(settings, system.BidderUrl, tally, monitor);
        if (!quiet)
        {
            console.MarkupLine($"Bidder{(settings.Bidders == 1 ? string.Empty : "s")} at {string.Join(", ", system.BidderUrls.Select(u => $"[link]{u}[/]"))} (status page: open it in a browser), trainer at {system.TrainerUrl}, registry in {system.Directory}");
            console.MarkupLine($"Sending {settings.Qps} requests/s for {DemoView.Clock(settings.Duration)}; Ctrl-C ends it early.");
        }

        var clock = Stopwatch.StartNew();
        var run = traffic.RunAsync(settings.Qps, settings.Duration, cancellationToken);
        using var restartStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var restart = settings.RestartBidderAt is { } share
            ? new DemoRestart(system, bidders, monitor, tally).RunAsync(settings.Bidders - 1, settings.Duration * share, clock, restartStop.Token)
            : Task.FromResult<BidderRestart?>(null);
        if (quiet)
        {
            await WatchAsync(run, monitor, () => { }).ConfigureAwait(false);
        }
        else if (context.Interactive)
        {
            await console.Live(view.Render(clock.Elapsed)).AutoClear(false).StartAsync(live =>
                WatchAsync(run, monitor, () =>
                {
                    live.UpdateTarget(view.Render(clock.Elapsed));
                    live.Refresh();
                })).ConfigureAwait(false);
        }
        else
        {
            var next = PlainEverySeconds;
            await WatchAsync(run, monitor, () =>
            {
                if (clock.Elapsed.TotalSeconds >= next)
                {
                    next += PlainEverySeconds;
                    context.Output.WriteLine(view.Line(clock.Elapsed));
                }
            }).ConfigureAwait(false);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await restartStop.CancelAsync().ConfigureAwait(false);
        var restarted = await restart.ConfigureAwait(false);

        // The last impressions' clicks are waited for, as the bidder and the joiner wait for them.
        if (!quiet)
        {
            console.MarkupLine($"Traffic stopped; waiting {settings.LabelDelaySeconds + settings.BucketSeconds} s for the last impressions' labels, then stopping...");
        }

        await Task.Delay(TimeSpan.FromSeconds(settings.LabelDelaySeconds + settings.BucketSeconds), CancellationToken.None).ConfigureAwait(false);
        await monitor.PollAsync(CancellationToken.None).ConfigureAwait(false);
        var (pricedBy, winRateModel) = await DemoShading.ReadBidderAsync(bidders.Client(0), CancellationToken.None).ConfigureAwait(false);
        // Read before the stop, which removes a directory the demo made itself.
        var winRateModels = LatestVersion(system.WinRateRegistryPath);
        await system.StopAsync().ConfigureAwait(false);
        // The trainer may publish once more between the last poll and its stop: the registry it published
        // to has the last word (it can hold fewer than were published only once retention drops some).
        int registered;
        try
        {
            registered = new ModelRegistry(system.RegistryPath).ReadIndex().Versions.Count;
        }
        catch (RegistryException)
        {
            registered = 0;
        }

        var fleet = Fleet(tally, monitor);
        return Summarize(seconds, cancellationToken.IsCancellationRequested, tally, monitor, system.Log, registered) with
        {
            Campaigns = Campaigns(tally, monitor, fleet),
            Notices = Notices(tally, monitor),
            Fleet = fleet,
            Restart = restarted,
            Shading = shading.Summary(pricedBy, winRateModel, winRateModels),
        };
    }

    /// <summary>The newest version in the registry at <paramref name="path"/>: how many were published (0 when none, or it cannot be read).</summary>
    private static int LatestVersion(string path)
    {
        try
        {
            var versions = new ModelRegistry(path).ReadIndex().Versions;
            return versions.Count == 0 ? 0 : versions.Max(v => v.Version);
        }
        catch (RegistryException)
        {
            return 0;
        }
    }

    private static FleetTiming Fleet(DemoTally tally, DemoMonitor monitor)
    {
        var views = monitor.Bidders.Select(b => b?.Fleet).OfType<FleetSpend>().ToList();
        return new FleetTiming
        {
            LagMaxMs = views.Max(v => v.LagMaxMs),
            LagP99Ms = views.Max(v => v.LagP99Ms),
            NoticeDelayMaxMs = tally.NoticeDelayMaxMs,
        };
    }

    /// <summary>Each campaign's budget (as the bidders loaded it), the exchange's charges and bids, the bidders' ledgers, and the overspend bound.</summary>
    private static List<CampaignSummary> Campaigns(DemoTally tally, DemoMonitor monitor, FleetTiming timing)
    {
        var charged = tally.SpendByCampaign();
        var bids = tally.BidsByCampaign();
        var views = monitor.Bidders.Select(b => b?.Fleet).OfType<FleetSpend>().ToList();
        return [.. (views.FirstOrDefault()?.Campaigns ?? []).Select(c =>
        {
            var (count, perSecond) = bids.GetValueOrDefault(c.Id);
            var window = (timing.NoticeDelayMaxMs + (timing.LagMaxMs ?? 0)) / 1000.0;
            return new CampaignSummary
            {
                Id = c.Id,
                BudgetUsd = c.BudgetUsd,
                SpentUsd = charged.GetValueOrDefault(c.Id),
                LedgerUsd = views.Max(v => v.Campaigns.FirstOrDefault(x => x.Id == c.Id)?.SpentUsd),
                Bids = count,
                BidsPerSecond = perSecond is { } r ? Math.Round(r, 2) : null,
                MaxCpmUsd = c.MaxCpmUsd,
                OverspendBoundUsd = perSecond is { } rate ? decimal.Round((decimal)(rate * window) * c.MaxCpmUsd / 1000m, 6) : null,
            };
        })];
    }

    /// <summary>Notices sent and replayed, and impressions the bidders' ledgers booked twice or not at all against the exchange's wins.</summary>
    private static NoticeSummary Notices(DemoTally tally, DemoMonitor monitor)
    {
        var (sent, replayed, refused, taken) = tally.Notices();
        var wins = tally.Snapshot().Wins;
        var booked = monitor.Bidders.Select(b => b?.Fleet?.Charged).OfType<long>().ToList();
        return new NoticeSummary
        {
            Sent = sent,
            Replayed = replayed,
            ReplaysRefused = refused,
            ReplaysTaken = taken,
            ChargedTwice = booked.Count == 0 ? 0 : Math.Max(0, booked.Max() - wins),
            NotCharged = booked.Count == 0 ? 0 : Math.Max(0, wins - booked.Min()),
        };
    }

    private DemoSummary Summarize(double seconds, bool interrupted, DemoTally tally, DemoMonitor monitor, DemoLog log, int registered)
    {
        var counters = tally.Snapshot();
        var (p50, p99) = tally.OverallLatency();
        var models = ServedModels(monitor.Bidder, tally, long.MaxValue);
        var judged = Judge(models);
        return new DemoSummary
        {
            Seconds = Math.Round(seconds, 1),
            TargetQps = settings.Qps,
            Seed = settings.Seed,
            Drift = settings.Drift,
            Bidders = settings.Bidders,
            Interrupted = interrupted,
            Requests = counters.Requests,
            Bids = counters.Bids,
            Wins = counters.Wins,
            Clicks = counters.Clicks,
            SpendUsd = counters.SpendUsd,
            Errors = counters.Errors,
            Skipped = counters.Skipped,
            ClientP50Ms = p50,
            ClientP99Ms = p99,
            ExamplesJoined = monitor.Trainer?.ExamplesEmitted ?? 0,
            ExamplesLearned = monitor.Trainer?.ExamplesLearned ?? 0,
            ModelsPublished = Math.Max(monitor.Trainer?.Published ?? 0, registered),
            Swaps = monitor.Swaps,
            Models = models,
            PublishedGap = judged?.PublishedGap,
            LiveLogLossImproved = judged is { } j && j.PublishedGap < j.First.Gap,
            LiveCalibration = monitor.Bidder is { } bidder ? DemoCalibration.From(bidder.Series, settings.BucketSeconds, settings) : null,
            Warnings = log.Warnings,
            LoggedErrors = log.Errors,
            RecentLog = log.Recent,
        };
    }

    /// <summary>
    /// The first model with a live log loss (the one serving when traffic began) and the gap of every model
    /// served after it taken together (their impressions pooled: each model's gap is a mean per impression),
    /// when those impressions number at least <see cref="MinImpressionsToJudge"/>; null otherwise. Pooled,
    /// because one late model's few hundred impressions give a gap too noisy to judge by.
    /// </summary>
    public static (ServedModel First, double PublishedGap, long PublishedImpressions, int PublishedModels)? Judge(IReadOnlyList<ServedModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var first = models.FirstOrDefault(m => m.Gap is not null);
        if (first is null)
        {
            return null;
        }

        var later = models.SkipWhile(m => !ReferenceEquals(m, first)).Skip(1).Where(m => m.Gap is not null && m.Impressions > 0).ToList();
        var impressions = later.Sum(m => m.Impressions);
        if (impressions < MinImpressionsToJudge)
        {
            return null;
        }

        var gap = later.Sum(m => m.Gap!.Value * m.Impressions) / impressions;
        return (first, gap, impressions, later.Count);
    }

    /// <summary>Labelled impressions the models after the first must have served, together, before their live log loss is compared.</summary>
    public const int MinImpressionsToJudge = 200;

    /// <summary>
    /// Groups the bidder's live series by serving model (in serving order), with the best possible log
    /// loss of each bucket (the true CTRs' on the demo's own wins in it) weighted by the bidder's impressions.
    /// Only buckets starting before <paramref name="completeBeforeUnixMs"/> count: a later one is still
    /// being labelled, and its impressions so far are not the ones the demo counted.
    /// </summary>
    public static List<ServedModel> ServedModels(BidderState? bidder, DemoTally tally, long completeBeforeUnixMs)
    {
        var models = new List<ServedModel>();
        if (bidder is null)
        {
            return models;
        }

        string? current = null;
        long impressions = 0, clicks = 0, bestImpressions = 0;
        double live = 0, best = 0;
        foreach (var bucket in bidder.Series.OrderBy(b => b.StartUnixMs))
        {
            if (bucket.Model is null || bucket.LogLoss is not { } loss || bucket.Impressions == 0 || bucket.StartUnixMs >= completeBeforeUnixMs)
            {
                continue;
            }

            if (bucket.Model != current)
            {
                Flush();
                current = bucket.Model;
                impressions = clicks = bestImpressions = 0;
                live = best = 0;
            }

            impressions += bucket.Impressions;
            clicks += bucket.Clicks;
            live += loss * bucket.Impressions;
            var (count, lossSum) = tally.Best(bucket.StartUnixMs);
            if (count > 0)
            {
                best += lossSum / count * bucket.Impressions;
                bestImpressions += bucket.Impressions;
            }
        }

        Flush();
        return models;

        void Flush()
        {
            if (current is not null && impressions > 0)
            {
                models.Add(new ServedModel
                {
                    Label = current,
                    Impressions = impressions,
                    Clicks = clicks,
                    LiveLogLoss = live / impressions,
                    BestLogLoss = bestImpressions > 0 ? best / bestImpressions : null,
                });
            }
        }
    }

    /// <summary>Polls the services every second until the traffic ends, calling <paramref name="tick"/> after each poll.</summary>
    private static async Task WatchAsync(Task traffic, DemoMonitor monitor, Action tick)
    {
        while (!traffic.IsCompleted)
        {
            await monitor.PollAsync(CancellationToken.None).ConfigureAwait(false);
            tick();
            await Task.WhenAny(traffic, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false);
        }

        await traffic.ConfigureAwait(false);
    }

    /// <summary>A client as the simulated exchange and browsers use: no redirects followed (a click's 302 is the answer), gzip accepted.</summary>
    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        MaxConnectionsPerServer = DemoTraffic.MaxInFlight,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(10),
    };
}
