using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Events;

namespace ClickPredict.Bidder.Hosting;

/// <summary>
/// Runs first at start: the campaigns file is loaded and checked here (a bad file stops start-up
/// naming the entry), the gauges are registered, and the event log's state is reported.
/// </summary>
internal sealed class BidderStartup(CampaignCatalog catalog, BidderGauges gauges, EventLog events, ILogger<BidderStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(gauges);
        Log.CampaignsLoaded(logger, catalog.Path, catalog.Advertisers.Count, catalog.Campaigns.Length, catalog.Creatives.Length);
        if (events.Enabled)
        {
            Log.EventsTo(logger, events.Description);
        }
        else
        {
            Log.EventsOff(logger, "Bidder:LogEvents is false");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
