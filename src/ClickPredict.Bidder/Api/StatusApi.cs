using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Fleet;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Status;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// The live status page: <c>GET /</c> is one self-contained HTML file (no external scripts or fonts)
/// that polls <c>GET /status.json</c> and draws the serving model and its lineage, live log loss and
/// calibration over time, QPS and latency, and the retrain policy's last decisions.
/// </summary>
internal static class StatusApi
{
    private const string PageResource = "ClickPredict.Bidder.Status.status.html";

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var options = services.GetRequiredService<IOptions<StatusOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var page = LoadPage();
        var status = services.GetRequiredService<LiveStatus>();
        var holder = services.GetRequiredService<ModelHolder>();
        var watcher = services.GetRequiredService<ModelWatcher>();
        var budgets = services.GetRequiredService<BudgetLedger>();
        var reader = services.GetRequiredService<SpendReader>();
        app.MapGet("/", (HttpContext http) =>
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            return http.Response.Body.WriteAsync(page).AsTask();
        });
        app.MapGet("/status.json", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "no-store";
            return http.Response.WriteAsJsonAsync(View(status, holder, watcher, options, FleetView.Of(budgets, reader)), StatusJsonContext.Default.StatusView);
        });
        return app;
    }

    internal static StatusView View(LiveStatus status, ModelHolder holder, ModelWatcher watcher, StatusOptions options, FleetView fleet)
    {
        IReadOnlyList<RegistryEntry> publishes = [];
        try
        {
            publishes = [.. watcher.Registry.ReadIndex().Versions.Reverse().Take(20)];
        }
        catch (RegistryException)
        {
            // The model view below carries the registry's error.
        }

        return new StatusView
        {
            GeneratedUtc = DateTimeOffset.UtcNow,
            BucketSeconds = status.BucketSeconds,
            LabelDelaySeconds = options.LabelDelaySeconds,
            Model = AdminApi.View(holder, watcher),
            Publishes = publishes,
            Decisions = [.. watcher.Registry.ReadDecisions().Reverse().Take(20)],
            Series = status.Series(),
            PendingImpressions = status.Pending,
            UntrackedWins = status.Untracked,
            UnscoredWins = status.Unscored,
            Fleet = fleet,
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
}
