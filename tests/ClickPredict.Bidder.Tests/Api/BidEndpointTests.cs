using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ClickPredict.Bidder.Tests.Api;

public sealed class BidEndpointTests(BidderFixture fixture) : IClassFixture<BidderFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Bid_SimulatorRequest_GetsThePricedBidTheModelGives()
    {
        var body = SimBodies.One(seed: 3);
        using var response = await _client.PostBid(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("2.6", response.Headers.GetValues("x-openrtb-version").Single());
        Assert.Equal("ctr-test@1", response.Headers.GetValues("x-model-version").Single());
        var json = await response.Json();
        var request = JsonNode.Parse(body)!;
        Assert.Equal(request["id"]!.GetValue<string>(), json.GetProperty("id").GetString());
        Assert.Equal("USD", json.GetProperty("cur").GetString());
        var seat = json.GetProperty("seatbid")[0];
        Assert.Equal("clickpredict", seat.GetProperty("seat").GetString());
        var bid = Assert.Single(seat.GetProperty("bid").EnumerateArray());
        Assert.Equal(json.GetProperty("bidid").GetString(), bid.GetProperty("id").GetString());
        Assert.Matches("^[0-9a-f]{32}$", bid.GetProperty("id").GetString());
        Assert.Equal("1", bid.GetProperty("impid").GetString());

        var expected = ExpectedBids.Best(fixture.Model, body, BidderFactory.StartTime);
        Assert.NotNull(expected);
        Assert.Equal(expected.Value.CreativeId, bid.GetProperty("crid").GetString());
        Assert.Equal(expected.Value.Price, bid.GetProperty("price").GetDecimal());

        var creative = SimCreative.DemoSet.Single(c => c.CreativeId == expected.Value.CreativeId);
        Assert.Equal(creative.CreativeId, bid.GetProperty("adid").GetString());
        Assert.Equal(creative.CampaignId, bid.GetProperty("cid").GetString());
        var imp = request["imp"]![0]!;
        Assert.Equal(imp["banner"]!["w"]!.GetValue<int>(), bid.GetProperty("w").GetInt32());
        Assert.Equal(imp["banner"]!["h"]!.GetValue<int>(), bid.GetProperty("h").GetInt32());
        Assert.True(bid.GetProperty("price").GetDecimal() >= (decimal)imp["bidfloor"]!.GetValue<double>());
        Assert.NotEmpty(bid.GetProperty("adomain").EnumerateArray());
        Assert.Equal(1, bid.GetProperty("mtype").GetInt32());

        var nurl = bid.GetProperty("nurl").GetString()!;
        Assert.StartsWith("http://127.0.0.1:5080/win?cr=" + creative.CreativeId + "&b=" + bid.GetProperty("id").GetString() + "&t=", nurl);
        Assert.EndsWith("&price=${AUCTION_PRICE}&mtw=${AUCTION_MIN_TO_WIN}", nurl);
        Assert.StartsWith("http://127.0.0.1:5080/bill?", bid.GetProperty("burl").GetString());
        Assert.StartsWith("http://127.0.0.1:5080/loss?", bid.GetProperty("lurl").GetString());
        var adm = bid.GetProperty("adm").GetString()!;
        Assert.Contains("href=\"http://127.0.0.1:5080/click?cr=" + creative.CreativeId + "&amp;b=" + bid.GetProperty("id").GetString(), adm);
        Assert.Contains($"width=\"{creative.Width}\" height=\"{creative.Height}\"", adm);
    }

    [Fact]
    public async Task Bid_ManySimulatorRequests_BidWithinFloorsCapsAndSizes()
    {
        var caps = ExpectedBids.ShippedCatalog.Campaigns.ToDictionary(c => c.Id, c => c.MaxCpmUsd);
        var bids = 0;
        foreach (var body in SimBodies.Json(150, seed: 5))
        {
            using var response = await _client.PostBid(body);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                continue;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bids++;
            var request = JsonNode.Parse(body)!;
            var imp = request["imp"]![0]!;
            var bid = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0];
            var price = bid.GetProperty("price").GetDecimal();
            Assert.InRange(price, (decimal)imp["bidfloor"]!.GetValue<double>(), caps[bid.GetProperty("cid").GetString()!]);
            Assert.Equal((imp["banner"]!["w"]!.GetValue<int>(), imp["banner"]!["h"]!.GetValue<int>()), (bid.GetProperty("w").GetInt32(), bid.GetProperty("h").GetInt32()));
        }

        // The demo campaigns cover every simulator size, and their values clear typical floors.
        Assert.InRange(bids, 120, 150);
    }

    [Fact]
    public async Task Bid_MessagePackRequest_GetsTheSameBidInMessagePack()
    {
        var body = SimBodies.One(seed: 7);
        var fromJson = await _client.BidOn(body);

        using var response = await _client.PostBid(SimBodies.ToMessagePack(body), contentType: "application/x-msgpack");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-msgpack", response.Content.Headers.ContentType!.MediaType);
        var json = JsonDocument.Parse(OpenRtbMessagePack.ToJson(await response.Content.ReadAsByteArrayAsync())).RootElement;
        var bid = json.GetProperty("seatbid")[0].GetProperty("bid")[0];
        Assert.Equal(fromJson.GetProperty("crid").GetString(), bid.GetProperty("crid").GetString());
        Assert.Equal((double)fromJson.GetProperty("price").GetDecimal(), bid.GetProperty("price").GetDouble());
        Assert.Equal(fromJson.GetProperty("impid").GetString(), bid.GetProperty("impid").GetString());
        Assert.Contains("/win?", bid.GetProperty("nurl").GetString());
    }

    [Fact]
    public async Task Bid_GzipRequestAndAcceptedGzip_AreHonoured()
    {
        var body = SimBodies.One(seed: 8);
        var plain = await _client.BidOn(body);
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(body);
        }

        using var response = await _client.PostBid(compressed.ToArray(), configure: r =>
        {
            r.Content!.Headers.ContentEncoding.Add("gzip");
            r.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        using var unzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var json = JsonDocument.Parse(unzip).RootElement;
        var bid = json.GetProperty("seatbid")[0].GetProperty("bid")[0];
        Assert.Equal(plain.GetProperty("crid").GetString(), bid.GetProperty("crid").GetString());
        Assert.Equal(plain.GetProperty("price").GetDecimal(), bid.GetProperty("price").GetDecimal());
    }

    [Theory]
    [InlineData("2.5", "2.5")]
    [InlineData("2.6", "2.6")]
    [InlineData("3.0", "2.6")]
    public async Task Bid_OpenRtbVersionHeader_IsEchoedWhenWeSpeakIt(string asked, string answered)
    {
        using var response = await _client.PostBid(SimBodies.One(), configure: r => r.Headers.Add("x-openrtb-version", asked));
        Assert.Equal(answered, response.Headers.GetValues("x-openrtb-version").Single());
    }

    [Fact]
    public async Task Bid_TwoImps_GetABidEach()
    {
        var body = SimBodies.One(r =>
        {
            var second = r["imp"]![0]!.DeepClone();
            second["id"] = "2";
            second["banner"]!["w"] = 728;
            second["banner"]!["h"] = 90;
            second["banner"]!["format"] = new JsonArray(new JsonObject { ["w"] = 728, ["h"] = 90 });
            r["imp"]!.AsArray().Add(second);
            r["imp"]![0]!["bidfloor"] = 0.01;
            second["bidfloor"] = 0.01;
        });
        using var response = await _client.PostBid(body);
        var bids = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid").EnumerateArray().ToList();
        Assert.Equal(new[] { "1", "2" }, bids.Select(b => b.GetProperty("impid").GetString()!).Order().ToArray());
        Assert.Equal(728, bids.Single(b => b.GetProperty("impid").GetString() == "2").GetProperty("w").GetInt32());
        Assert.NotEqual(bids[0].GetProperty("id").GetString(), bids[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Bid_FormatOnlyBanner_BidsInAnOfferedFormat()
    {
        var body = SimBodies.One(r =>
        {
            var banner = r["imp"]![0]!["banner"]!.AsObject();
            banner.Remove("w");
            banner.Remove("h");
            banner["format"] = new JsonArray(new JsonObject { ["w"] = 123, ["h"] = 45 }, new JsonObject { ["w"] = 160, ["h"] = 600 });
            r["imp"]![0]!["bidfloor"] = 0.01;
        });
        var bid = await _client.BidOn(body);
        Assert.Equal((160, 600), (bid.GetProperty("w").GetInt32(), bid.GetProperty("h").GetInt32()));
    }

    [Fact]
    public async Task Bid_FirstPrice_IsShadedAndSecondPriceIsTheExpectedValue()
    {
        var second = await _client.BidOn(SimBodies.One(r => { r["at"] = 2; r["imp"]![0]!["bidfloor"] = 0.01; }, seed: 11));
        var first = await _client.BidOn(SimBodies.One(r => { r["at"] = 1; r["imp"]![0]!["bidfloor"] = 0.01; }, seed: 11));
        Assert.Equal(second.GetProperty("crid").GetString(), first.GetProperty("crid").GetString());
        var value = second.GetProperty("price").GetDecimal();
        var shaded = first.GetProperty("price").GetDecimal();
        Assert.True(shaded < value);
        Assert.InRange(shaded, (value * 0.8m) - 0.0002m, (value * 0.8m) + 0.0001m);

        // A floor between the shaded bid and the value: bidding the floor still pays, so first price bids it.
        var floor = decimal.Round(value * 0.9m, 2, MidpointRounding.ToZero);
        var atFloor = await _client.BidOn(SimBodies.One(r => { r["at"] = 1; r["imp"]![0]!["bidfloor"] = (double)floor; }, seed: 11));
        Assert.Equal(floor, atFloor.GetProperty("price").GetDecimal());
    }

    [Fact]
    public async Task Bid_OtherCurrency_BidsInItWhenARateIsConfigured()
    {
        var usd = await _client.BidOn(SimBodies.One(r => r["imp"]![0]!["bidfloor"] = 0.01, seed: 12));
        var eur = await _client.BidOn(SimBodies.One(r => { r["cur"] = new JsonArray("EUR"); r["imp"]![0]!["bidfloor"] = 0.01; }, seed: 12));
        Assert.Equal(usd.GetProperty("crid").GetString(), eur.GetProperty("crid").GetString());
        Assert.InRange(eur.GetProperty("price").GetDecimal() - (usd.GetProperty("price").GetDecimal() * 0.9m), -0.0002m, 0.0001m);
        Assert.Contains("&cu=EUR&", eur.GetProperty("nurl").GetString());

        // A floor in euros is converted: 0.9 EUR is 1 USD.
        using var response = await _client.PostBid(SimBodies.One(r => { r["imp"]![0]!["bidfloor"] = 0.9; r["imp"]![0]!["bidfloorcur"] = "EUR"; }, seed: 12));
        var price = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0].GetProperty("price").GetDecimal();
        Assert.True(price >= 1m);
    }

    [Fact]
    public async Task NoBid_ForEachReason_AnswersNoContentAndCountsTheReason()
    {
        using var collector = new MetricCollector<long>(fixture.Factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, "clickpredict.bidder.nobids");
        (string Reason, byte[] Body)[] cases =
        [
            ("unsupported_imp", SimBodies.One(r => { r["imp"]![0]!.AsObject().Remove("banner"); r["imp"]![0]!["video"] = new JsonObject { ["w"] = 640 }; })),
            ("no_matching_size", SimBodies.One(r => { r["imp"]![0]!["banner"] = new JsonObject { ["w"] = 123, ["h"] = 45 }; })),
            ("advertiser_blocked", SimBodies.One(r => r["badv"] = new JsonArray("sportsgear.example", "TravelCo.example", "homestore.example"))),
            ("advertiser_blocked", SimBodies.One(r => r["bcat"] = new JsonArray("IAB17", "IAB20", "IAB10"))),
            ("creative_blocked", SimBodies.One(r => r["imp"]![0]!["banner"]!["btype"] = new JsonArray(2))),
            ("private_auction", SimBodies.One(r => r["imp"]![0]!["pmp"] = new JsonObject { ["private_auction"] = 1, ["deals"] = new JsonArray(new JsonObject { ["id"] = "d1" }) })),
            ("known_crawler", SimBodies.One(r => r["device"]!["ua"] = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")),
            ("deadline", SimBodies.One(r => r["tmax"] = 15)),
            ("currency_unsupported", SimBodies.One(r => r["cur"] = new JsonArray("GBP", "JPY"))),
            ("floor_currency_unsupported", SimBodies.One(r => r["imp"]![0]!["bidfloorcur"] = "GBP")),
            ("below_floor", SimBodies.One(r => r["imp"]![0]!["bidfloor"] = 500.0)),
        ];

        foreach (var (reason, body) in cases)
        {
            using var response = await _client.PostBid(body);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            var last = collector.LastMeasurement;
            Assert.NotNull(last);
            Assert.Equal(reason, last.Tags["reason"]);
        }
    }

    [Fact]
    public async Task NoBid_BlockingOneCategory_BidsForAnotherAdvertiser()
    {
        foreach (var body in SimBodies.Json(20, seed: 13))
        {
            var blocked = SimBodies.Edit(body, r => { r["bcat"] = new JsonArray("IAB17"); r["badv"] = new JsonArray("travelco.example"); r["imp"]![0]!["bidfloor"] = 0.01; });
            var bid = await _client.BidOn(blocked);
            Assert.Equal("homestore.example", bid.GetProperty("adomain")[0].GetString());
        }
    }

    [Theory]
    [InlineData("deadline", 15)]
    [InlineData("crawler", 3)]
    [InlineData("floor", 0)]
    public async Task NoBid_ForAnExchangeWanting200_AnswersWithNbr(string why, int nbr)
    {
        var body = SimBodies.One(r =>
        {
            switch (why)
            {
                case "deadline":
                    r["tmax"] = 5;
                    break;
                case "crawler":
                    r["device"]!["ua"] = "Mozilla/5.0 AhrefsBot/7.0";
                    break;
                default:
                    r["imp"]![0]!["bidfloor"] = 900.0;
                    break;
            }
        });
        using var response = await _client.PostBid(body, "/openrtb2/nbr200/bid");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Json();
        Assert.Equal(JsonNode.Parse(body)!["id"]!.GetValue<string>(), json.GetProperty("id").GetString());
        Assert.Equal(0, json.GetProperty("seatbid").GetArrayLength());
        Assert.Equal(nbr, json.GetProperty("nbr").GetInt32());
    }

    [Fact]
    public async Task Bid_OnANamedExchange_UsesItsEndpoint()
    {
        using var response = await _client.PostBid(SimBodies.One(), "/openrtb2/sim/bid");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var alias = await _client.PostBid(SimBodies.One(), "/openrtb/2.6/bid");
        Assert.Equal(HttpStatusCode.OK, alias.StatusCode);
        using var unknown = await _client.PostBid(SimBodies.One(), "/openrtb2/nosuchexchange/bid");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Metrics_AreExportedForPrometheus()
    {
        await _client.BidOn(SimBodies.One(seed: 21));
        var text = await _client.GetStringAsync("/metrics");
        foreach (var name in new[]
        {
            "clickpredict_bidder_requests_total", "clickpredict_bidder_bids_total", "clickpredict_bidder_request_duration_seconds_bucket",
            "clickpredict_bidder_bid_pctr_bucket", "clickpredict_bidder_model_version", "clickpredict_bidder_campaign_spend_today_usd",
        })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }

        // The serving model's series: labelled with its id and source, value = its version.
        var versionLines = text.Split('\n').Where(l => l.StartsWith("clickpredict_bidder_model_version{", StringComparison.Ordinal)).ToList();
        Assert.True(
            versionLines.Any(l => l.Contains("model_id=\"ctr-test\"", StringComparison.Ordinal) && l.Contains("source=\"registry\"", StringComparison.Ordinal)
                && l[(l.IndexOf('}') + 1)..].Trim().Split(' ')[0] == "1"),
            "model version series: " + string.Join(" | ", versionLines));
    }

    [Fact]
    public async Task Health_IsLiveAndReadyWithAModel()
    {
        using var live = await _client.GetAsync("/healthz");
        using var ready = await _client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
