using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Fleet;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Status;
using ClickPredict.Core.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// The live status page: <c>GET /</c> is one self-contained HTML file (no external scripts or fonts)
/// that polls <c>GET /status.json</c> and draws the serving model and its lineage, live log loss and
/// calibration over time, QPS and latency, and the retrain policy's last decisions. Off with <c>Status:Enabled=false</c>.
/// </summary>
internal static class StatusApi
{
    private const string PageResource = "ClickPredict.Bidder.Status.status.html";

    private static readonly Lazy<byte[]> s_page = new(LoadPage);

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<StatusOptions>>().Value.Enabled)
        {
            return app;
        }

        _ = s_page.Value;
        app.MapGet("/", GetPage);
        app.MapGet("/status.json", GetStatus);
        return app;
    }

    public static FileContentHttpResult GetPage(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        return TypedResults.Bytes(s_page.Value, "text/html; charset=utf-8");
    }

    public static Ok<StatusView> GetStatus(HttpResponse response, [AsParameters] StatusSources sources)
    {
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(View(sources));
    }

    internal static StatusView View(StatusSources sources)
    {
        IReadOnlyList<RegistryEntry> publishes = [];
        var registry = sources.Watcher.Registry;
        try
        {
            publishes = [.. registry.ReadIndex().Versions.Reverse().Take(20)];
        }
        catch (RegistryException)
        {
            // The model view below carries the registry's error.
        }

        return new StatusView
        {
            GeneratedUtc = sources.Time.GetUtcNow(),
            BucketSeconds = sources.Status.BucketSeconds,
            LabelDelaySeconds = sources.Options.Value.LabelDelaySeconds,
            Model = AdminApi.View(sources.Holder, sources.Watcher),
            Calibration = CalibrationView.Of(sources.Holder),
            Publishes = publishes,
            Decisions = [.. registry.ReadDecisions().Reverse().Take(20)],
            Series = sources.Status.Series(),
            PendingImpressions = sources.Status.Pending,
            UntrackedWins = sources.Status.Untracked,
            UnscoredWins = sources.Status.Unscored,
            Fleet = FleetView.Of(sources.Budgets, sources.Reader),
            WinRate = WinRateView.Of(sources.WinRates, sources.WinRateWatcher, sources.FirstPrice, sources.Shading.Value),
        };
    }

    private static byte[] LoadPage()
    {
        using var stream = typeof(StatusApi).Assembly.GetManifestResourceStream(PageResource)
            ?? throw new InvalidOperationException($"the status page resource {PageResource} is missing from the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>What <c>/status.json</c> reads, from the bidder's services.</summary>
    internal readonly record struct StatusSources(
        LiveStatus Status,
        ModelHolder Holder,
        ModelWatcher Watcher,
        IOptions<StatusOptions> Options,
        BudgetLedger Budgets,
        SpendReader Reader,
        TimeProvider Time,
        Shading.WinRateHolder WinRates,
        Shading.WinRateWatcher WinRateWatcher,
        Shading.FirstPricePricer FirstPrice,
        IOptions<BidShadingOptions> Shading);
}
