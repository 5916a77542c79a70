using System.Net;
using System.Text.Json.Nodes;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ClickPredict.Bidder.Tests.Campaigns;

/// <summary>Budgets, pacing, targeting and block lists, on a campaigns file of the test's own: one campaign per size, so each rule is seen alone.</summary>
public sealed class CampaignRulesTests : IDisposable
{
    private const string File = """
    {
      "advertisers": [
        {
          "id": "adv-one", "name": "One", "adomain": ["one.example"], "categories": ["IAB1"],
          "campaigns": [
            { "id": "camp-asap", "valuePerClickUsd": 0.09, "maxCpmUsd": 8, "dailyBudgetUsd": 0.003, "pacing": "asap", "landingPage": "https://one.example/a",
              "creatives": [ { "id": "cr-asap", "w": 300, "h": 250, "imageUrl": "https://cdn.one.example/a.png" } ] },
            { "id": "camp-even", "valuePerClickUsd": 0.09, "maxCpmUsd": 8, "dailyBudgetUsd": 0.024, "pacing": "even", "landingPage": "https://one.example/e",
              "creatives": [ { "id": "cr-even", "w": 728, "h": 90, "imageUrl": "https://cdn.one.example/e.png" } ] },
            { "id": "camp-targeted", "valuePerClickUsd": 0.09, "maxCpmUsd": 8, "dailyBudgetUsd": 100, "landingPage": "https://one.example/t",
              "targeting": { "countries": ["FRA"], "deviceTypes": [2, 4], "sites": ["news.example", "com.game.app"] },
              "creatives": [ { "id": "cr-targeted", "w": 160, "h": 600, "imageUrl": "https://cdn.one.example/t.png" } ] },
            { "id": "camp-excluding", "valuePerClickUsd": 0.09, "maxCpmUsd": 8, "dailyBudgetUsd": 100, "landingPage": "https://one.example/x",
              "targeting": { "excludedSites": ["bad.example"] },
              "creatives": [ { "id": "cr-excluding", "w": 300, "h": 600, "imageUrl": "https://cdn.one.example/x.png" },
                             { "id": "cr-flashing", "w": 970, "h": 250, "imageUrl": "https://cdn.one.example/f.png", "attributes": [3] } ] },
            { "id": "camp-app", "valuePerClickUsd": 0.09, "maxCpmUsd": 8, "dailyBudgetUsd": 100, "landingPage": "https://one.example/app", "appBundle": "com.one.app",
              "creatives": [ { "id": "cr-app", "w": 320, "h": 50, "imageUrl": "https://cdn.one.example/app.png" } ] }
          ]
        }
      ]
    }
    """;

    private readonly BidderFactory _factory = new();
    private readonly HttpClient _client;
    private readonly MetricCollector<long> _noBids;

    public CampaignRulesTests()
    {
        var path = Path.Combine(_factory.Directory, "campaigns.json");
        System.IO.File.WriteAllText(path, File);
        _factory.Settings["Bidder:CampaignsPath"] = path;
        _factory.Publish(TestModels.Create(seed: 90));
        _client = _factory.Client;
        _noBids = new MetricCollector<long>(_factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, "clickpredict.bidder.nobids");
    }

    public void Dispose()
    {
        _noBids.Dispose();
        _factory.Dispose();
    }

    private static byte[] Request(int w, int h, Action<JsonObject>? edit = null, int seed = 1) => SimBodies.One(r =>
    {
        r["imp"]![0]!["banner"] = new JsonObject { ["w"] = w, ["h"] = h };
        r["imp"]![0]!["bidfloor"] = 0.05;
        r.Remove("app");
        r["site"] = new JsonObject { ["domain"] = "news.example", ["cat"] = new JsonArray("IAB12") };
        r["device"]!["geo"]!["country"] = "FRA";
        r["device"]!["devicetype"] = 4;
        edit?.Invoke(r);
    }, seed);

    private async Task<string> NoBidReason(byte[] body)
    {
        using var response = await _client.PostBid(body);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return (string)_noBids.LastMeasurement!.Tags["reason"]!;
    }

    [Fact]
    public async Task Budget_SpentByWins_StopsTheCampaignUntilTheNextDay()
    {
        var wins = 0;
        for (var i = 0; i < 10; i++)
        {
            using var response = await _client.PostBid(Request(300, 250, seed: 100 + i));
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                break;
            }

            var bid = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0];
            using var win = await _client.GetAsync(NoticeUrls.Win(bid, 1.0m));
            Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
            wins++;
        }

        // $0.003 a day at $1 CPM clearing: two impressions leave $0.001, less than a third bid (above $1 CPM) could cost.
        Assert.Equal(2, wins);
        Assert.Equal("budget_exhausted", await NoBidReason(Request(300, 250, seed: 120)));
        var ledger = _factory.Services.GetRequiredService<BudgetLedger>();
        var campaign = _factory.Services.GetRequiredService<CampaignCatalog>().Campaigns.Single(c => c.Id == "camp-asap");
        Assert.Equal(0.002m, ledger.SpentToday(campaign));

        _factory.Clock.Advance(TimeSpan.FromDays(1));
        try
        {
            await _client.BidOn(Request(300, 250, seed: 121));
            Assert.Equal(0m, ledger.SpentToday(campaign));
        }
        finally
        {
            _factory.Clock.Now = BidderFactory.StartTime;
        }
    }

    [Fact]
    public async Task EvenPacing_StopsAheadOfTheClock_AndResumesAsTheDayGoesOn()
    {
        // At 12:00 UTC with an hour's headroom, 13/24 of the $0.024 budget may be spent: $0.013.
        decimal spent = 0;
        for (var i = 0; i < 40; i++)
        {
            using var response = await _client.PostBid(Request(728, 90, seed: 200 + i));
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                break;
            }

            var bid = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0];
            var price = bid.GetProperty("price").GetDecimal();
            using var win = await _client.GetAsync(NoticeUrls.Win(bid, price));
            spent += price / 1000m;
        }

        Assert.InRange(spent, 0.013m, 0.024m);
        Assert.Equal("paced", await NoBidReason(Request(728, 90, seed: 250)));

        _factory.Clock.Advance(TimeSpan.FromHours(6));
        try
        {
            await _client.BidOn(Request(728, 90, seed: 251));
        }
        finally
        {
            _factory.Clock.Now = BidderFactory.StartTime;
        }
    }

    [Fact]
    public async Task Targeting_GeoDeviceAndSiteLists_AreHonoured()
    {
        await _client.BidOn(Request(160, 600));
        await _client.BidOn(Request(160, 600, r => { r.Remove("site"); r["app"] = new JsonObject { ["bundle"] = "com.game.app" }; }));
        Assert.Equal("not_targeted", await NoBidReason(Request(160, 600, r => r["device"]!["geo"]!["country"] = "USA")));
        Assert.Equal("not_targeted", await NoBidReason(Request(160, 600, r => r["device"]!["devicetype"] = 5)));
        Assert.Equal("not_targeted", await NoBidReason(Request(160, 600, r => r["site"]!["domain"] = "other.example")));
        Assert.Equal("not_targeted", await NoBidReason(Request(160, 600, r => r["device"]!.AsObject().Remove("geo"))));

        await _client.BidOn(Request(300, 600));
        Assert.Equal("not_targeted", await NoBidReason(Request(300, 600, r => r["site"]!["domain"] = "BAD.example")));
        Assert.Equal("not_targeted", await NoBidReason(Request(300, 600, r => { r["site"]!.AsObject().Remove("domain"); r["site"]!["page"] = "https://bad.example/x"; })));
    }

    [Fact]
    public async Task BlockLists_AttributesAppsCategoriesAndAdvertisers_AreHonoured()
    {
        await _client.BidOn(Request(970, 250));
        Assert.Equal("creative_blocked", await NoBidReason(Request(970, 250, r => r["imp"]![0]!["banner"]!["battr"] = new JsonArray(1, 3))));
        await _client.BidOn(Request(970, 250, r => r["imp"]![0]!["banner"]!["battr"] = new JsonArray(1, 2)));

        await _client.BidOn(Request(320, 50));
        Assert.Equal("advertiser_blocked", await NoBidReason(Request(320, 50, r => r["bapp"] = new JsonArray("com.one.app"))));
        Assert.Equal("advertiser_blocked", await NoBidReason(Request(320, 50, r => r["bcat"] = new JsonArray("IAB1"))));
        Assert.Equal("advertiser_blocked", await NoBidReason(Request(320, 50, r => r["badv"] = new JsonArray("ONE.example"))));
        await _client.BidOn(Request(320, 50, r => r["bcat"] = new JsonArray("IAB1-5", "IAB12")));
    }
}
