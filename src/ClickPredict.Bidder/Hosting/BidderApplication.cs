using ClickPredict.Bidder.Api;
using ClickPredict.ServiceDefaults;

namespace ClickPredict.Bidder.Hosting;

/// <summary>
/// Builds the bidder as its own process runs it, for hosts that run it in-process (the CLI's
/// <c>demo</c>): service defaults, the bidder's wiring, and its endpoints, ready to start.
/// </summary>
public static class BidderApplication
{
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--Bidder:Seat=x</c>).</param>
    /// <param name="configure">Changes to the builder before the bidder is added: extra configuration, logging.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddBidder();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapBidApi();
        app.MapAdminApi();
        app.MapStatusApi();
        return app;
    }

    /// <summary>The campaigns file a bidder started from <paramref name="contentRoot"/> loads by default (<c>config/campaigns.json</c> of the repository above it).</summary>
    public static string DefaultCampaignsPath(string contentRoot) =>
        BidderPaths.Find(contentRoot).Resolve(new Options.BidderOptions().CampaignsPath);
}
