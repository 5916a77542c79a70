using System.Text;
using ClickPredict.Core.Features;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Core.Tests.OpenRtb;

public class OpenRtbFieldExtractorTests
{
    private static readonly DateTimeOffset s_time = new(2026, 11, 23, 21, 5, 0, TimeSpan.Zero); // a Monday

    private static FieldValues Extract(string json, string exchange = "exch")
    {
        var request = new BidRequest();
        BidRequestParser.Parse(Encoding.UTF8.GetBytes(json), request);
        var values = new FieldValues(FieldSchema.OpenRtb);
        OpenRtbFieldExtractor.ExtractRequest(request, 0, s_time, Encoding.UTF8.GetBytes(exchange), values);
        return values;
    }

    [Fact]
    public void ExtractRequest_FullRequest_FillsTheFieldsACtrBidderUses()
    {
        var request = new BidRequest();
        BidRequestParser.Parse(BidRequestParserTests.FullRequest, request);
        var v = new FieldValues(FieldSchema.OpenRtb);
        OpenRtbFieldExtractor.ExtractRequest(request, 0, s_time, "exch"u8, v);
        OpenRtbFieldExtractor.ExtractCandidate(new AdCandidate("cr-9", "camp-1", "adv-2", 300, 250), v);

        var expected = new Dictionary<string, string>
        {
            ["exchange"] = "exch",
            ["channel"] = "site",
            ["site.domain"] = "news.example.com",
            ["site.cat"] = "IAB12",
            ["publisher.id"] = "pub-7",
            ["imp.tagid"] = "homepage-top",
            ["imp.size"] = "300x250",
            ["imp.pos"] = "1",
            ["imp.instl"] = "0",
            ["imp.secure"] = "1",
            ["imp.bidfloor"] = "0.75",
            ["imp.deal"] = "1",
            ["device.type"] = "4",
            ["device.os"] = "ios",
            ["device.osv"] = "17",
            ["device.make"] = "apple",
            ["device.model"] = "iphone",
            ["device.browser"] = "safari",
            ["device.conn"] = "2",
            ["device.lang"] = "en",
            ["geo.country"] = "USA",
            ["geo.region"] = "CA",
            ["geo.city"] = "San Francisco",
            ["time.hour"] = "21",
            ["time.dow"] = "1",
            ["user.known"] = "known",
            ["auction.type"] = "1",
            ["creative.id"] = "cr-9",
            ["campaign.id"] = "camp-1",
            ["advertiser.id"] = "adv-2",
            ["creative.size"] = "300x250",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), v.ToDictionary().OrderBy(p => p.Key));
    }

    [Fact]
    public void ExtractRequest_MissingAttributes_StayMissing()
    {
        var v = Extract("""{"id":"x","imp":[{"id":"1"}]}""");
        foreach (var field in new[] { OpenRtbFields.Channel, OpenRtbFields.SiteDomain, OpenRtbFields.ImpSize, OpenRtbFields.ImpBidFloor, OpenRtbFields.DeviceType, OpenRtbFields.DeviceOs, OpenRtbFields.GeoCountry, OpenRtbFields.ImpPosition })
        {
            Assert.True(v.IsMissing(field), FieldSchema.OpenRtb[field].Name);
        }

        Assert.Equal("unknown", v.GetString(OpenRtbFields.UserKnown));
        Assert.Equal("2", v.GetString(OpenRtbFields.AuctionType));
    }

    [Fact]
    public void ExtractRequest_App_UsesBundleAndAppCategory()
    {
        var v = Extract("""{"id":"x","imp":[{"id":"1","banner":{"format":[{"w":320,"h":50}]}}],"app":{"bundle":"Com.Example.Game","cat":["IAB9"],"publisher":{"id":"p"}}}""");
        Assert.Equal("app", v.GetString(OpenRtbFields.Channel));
        Assert.Equal("com.example.game", v.GetString(OpenRtbFields.AppBundle));
        Assert.Equal("IAB9", v.GetString(OpenRtbFields.AppCategory));
        Assert.Equal("320x50", v.GetString(OpenRtbFields.ImpSize));
        Assert.True(v.IsMissing(OpenRtbFields.SiteDomain));
    }

    [Theory]
    [InlineData("https://www.Example.com/a/b?c#d", "www.example.com")]
    [InlineData("http://user:pw@host.example:8080/x", "host.example")]
    [InlineData("example.com/no-scheme", null)]
    public void ExtractRequest_SiteWithoutDomain_UsesTheHostOfThePage(string page, string? domain)
    {
        var v = Extract("""{"id":"x","imp":[{"id":"1"}],"site":{"page":""" + "\"" + page + "\"}}");
        Assert.Equal(domain, v.GetString(OpenRtbFields.SiteDomain));
    }

    [Theory]
    [InlineData("""{"regs":{"coppa":1},"user":{"id":"u"}}""", "restricted")]
    [InlineData("""{"regs":{"gdpr":1},"user":{"id":"u"}}""", "restricted")]
    [InlineData("""{"regs":{"gdpr":1},"user":{"id":"u","consent":"c"}}""", "known")]
    [InlineData("""{"regs":{"ext":{"gdpr":1}},"user":{"buyeruid":"b","ext":{"consent":"c"}}}""", "known")]
    [InlineData("""{"regs":{"gdpr":0},"user":{"id":"u"}}""", "known")]
    [InlineData("""{"user":{}}""", "unknown")]
    public void ExtractRequest_UserState_HonoursCoppaAndGdpr(string extra, string expected)
    {
        var v = Extract("""{"id":"x","imp":[{"id":"1"}],""" + extra[1..]);
        Assert.Equal(expected, v.GetString(OpenRtbFields.UserKnown));
    }

    [Fact]
    public void ExtractRequest_NoOs_FallsBackToTheUserAgent()
    {
        var v = Extract("""{"id":"x","imp":[{"id":"1"}],"device":{"ua":"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"}}""");
        Assert.Equal("android", v.GetString(OpenRtbFields.DeviceOs));
        Assert.Equal("chrome", v.GetString(OpenRtbFields.DeviceBrowser));
    }

    [Fact]
    public void ExtractCandidate_ReplacesThePreviousCandidate()
    {
        var v = Extract("""{"id":"x","imp":[{"id":"1"}]}""");
        OpenRtbFieldExtractor.ExtractCandidate(new AdCandidate("a", "b", "c", 1, 2), v);
        OpenRtbFieldExtractor.ExtractCandidate(new AdCandidate("d", "e", "f", 3, 4), v);
        Assert.Equal(("d", "e", "f", "3x4"), (v.GetString(OpenRtbFields.CreativeId), v.GetString(OpenRtbFields.CampaignId), v.GetString(OpenRtbFields.AdvertiserId), v.GetString(OpenRtbFields.CreativeSize)));
    }

    [Fact]
    public void ExtractImp_AfterAnotherImp_GivesWhatExtractRequestGivesForThisImp()
    {
        // Imp 1 has everything imp 2 lacks (banner size, position, floor, interstitial, secure, deals) and the other way round.
        const string Json = """
            {"id":"r","at":1,"site":{"domain":"news.example","cat":["IAB12"]},"device":{"devicetype":4,"os":"iOS","geo":{"country":"USA"}},
             "imp":[{"id":"1","tagid":"top","instl":1,"secure":1,"bidfloor":0.5,"banner":{"w":320,"h":50,"pos":1},"pmp":{"deals":[{"id":"d"}]}},
                    {"id":"2","banner":{"format":[{"w":300,"h":250}]}},
                    {"id":"3","tagid":"side","banner":{"w":160,"h":600,"pos":3},"bidfloor":0.1}]}
            """;
        var request = new BidRequest();
        BidRequestParser.Parse(Encoding.UTF8.GetBytes(Json), request);
        var rolling = new FieldValues(FieldSchema.OpenRtb);
        OpenRtbFieldExtractor.ExtractRequest(request, 0, s_time, "exch"u8, rolling);
        for (var imp = 1; imp < request.ImpCount; imp++)
        {
            OpenRtbFieldExtractor.ExtractImp(request, imp, rolling);
            var fresh = new FieldValues(FieldSchema.OpenRtb);
            OpenRtbFieldExtractor.ExtractRequest(request, imp, s_time, "exch"u8, fresh);
            Assert.Equal(fresh.ToDictionary(), rolling.ToDictionary());
        }
    }
}
