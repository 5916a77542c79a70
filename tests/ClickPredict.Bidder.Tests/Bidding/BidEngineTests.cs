using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Bidding;

public sealed class BidEngineTests
{
    [Fact]
    public void Process_ShippedCampaigns_UseExactlyTheSimulatorsDemoIds()
    {
        var catalog = ExpectedBids.ShippedCatalog;
        var demo = ClickPredict.Core.Simulation.SimCreative.DemoSet;
        Assert.Equal(
            demo.Select(c => (c.CreativeId, c.CampaignId, c.AdvertiserId, c.Width, c.Height)).Order(),
            catalog.Creatives.Select(c => (c.Id, c.Campaign.Id, c.Campaign.Advertiser.Id, c.Width, c.Height)).Order());
        Assert.All(catalog.Campaigns, c => Assert.Empty(c.Countries));
        Assert.All(catalog.Campaigns, c => Assert.Empty(c.Sites));
        Assert.All(catalog.Campaigns, c => Assert.Empty(c.DeviceTypes));
    }
}
