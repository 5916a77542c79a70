using System.Text;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.OpenRtb;

public class BidRequestParserTests
{
    internal static byte[] FullRequest { get; } = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "OpenRtb", "Fixtures", "full-request.json"));

    private static BidRequest Parse(string json)
    {
        var request = new BidRequest();
        BidRequestParser.Parse(Encoding.UTF8.GetBytes(json), request);
        return request;
    }

    private static BidRequestException Refused(string json) =>
        Assert.Throws<BidRequestException>(() => Parse(json));

    [Fact]
    public void Parse_FullRequest_ReadsEveryFieldWeUse()
    {
        var r = new BidRequest();
        BidRequestParser.Parse(FullRequest, r);
        Assert.Equal("req-1é", r.GetString(r.Id));
        Assert.Equal(1, r.AuctionType);
        Assert.Equal(120, r.TMax);
        Assert.True(r.Contains(r.Currencies, "EUR"u8));
        Assert.True(r.Contains(r.BlockedCategories, "IAB26"u8));
        Assert.True(r.Contains(r.BlockedAdvertisers, "blocked.example"u8));
        Assert.True(r.Contains(r.BlockedApps, "com.blocked.app"u8));
        Assert.Equal(2, r.ImpCount);

        var imp = r.Imp(0);
        Assert.Equal("imp-1", r.GetString(imp.Id));
        Assert.True(imp.HasBanner);
        Assert.Equal((300, 250, 1), (imp.BannerW, imp.BannerH, imp.BannerPos));
        Assert.Equal([new BannerFormat(300, 250), new BannerFormat(320, 50)], r.Formats(imp).ToArray());
        Assert.Equal([4], r.Ints(imp.BlockedTypes).ToArray());
        Assert.Equal([1, 3], r.Ints(imp.BlockedAttributes).ToArray());
        Assert.True(imp.HasBidFloor);
        Assert.Equal(0.75, imp.BidFloor);
        Assert.Equal("USD", r.GetString(imp.BidFloorCur));
        Assert.Equal("homepage-top", r.GetString(imp.TagId));
        Assert.Equal((0, 1), (imp.Instl, imp.Secure));
        var deal = Assert.Single(r.Deals(imp).ToArray());
        Assert.Equal(("deal-9", 2.5, 3), (r.GetString(deal.Id), deal.BidFloor, deal.AuctionType));

        var video = r.Imp(1);
        Assert.False(video.HasBanner);
        Assert.True(video.HasVideo);
        Assert.Equal(3.0, video.BidFloor);

        Assert.True(r.Site.IsPresent);
        Assert.False(r.App.IsPresent);
        Assert.Equal("News.Example.com", r.GetString(r.Site.Domain));
        Assert.Equal("https://news.example.com/world/1", r.GetString(r.Site.Page));
        Assert.Equal("pub-7", r.GetString(r.Site.PublisherId));
        Assert.Equal(2, r.Site.Categories.Count);

        var d = r.Device;
        Assert.Equal((4, 2, 0, 0), (d.DeviceType, d.ConnectionType, d.Dnt, d.Lmt));
        Assert.Equal(("iOS", "17.5.1", "Apple", "iPhone", "EN"), (r.GetString(d.Os), r.GetString(d.Osv), r.GetString(d.Make), r.GetString(d.Model), r.GetString(d.Language)));
        Assert.Equal(("USA", "CA", "San Francisco"), (r.GetString(d.GeoCountry), r.GetString(d.GeoRegion), r.GetString(d.GeoCity)));
        Assert.Equal("ExampleTel", r.GetString(d.Carrier));

        // 2.5 forms: consent and gdpr in ext.
        Assert.Equal("user-1", r.GetString(r.User.Id));
        Assert.Equal("b-1", r.GetString(r.User.BuyerUid));
        Assert.Equal("CONSENT-25", r.GetString(r.User.Consent));
        Assert.Equal(1, r.Regs.Gdpr);
        Assert.Equal(0, r.Regs.Coppa);
        Assert.Equal("1YNN", r.GetString(r.Regs.UsPrivacy));
    }

    [Fact]
    public void Parse_26FieldsWinOver25Ext()
    {
        var r = Parse("""{"id":"x","imp":[{"id":"1"}],"user":{"consent":"NEW","ext":{"consent":"OLD"}},"regs":{"ext":{"gdpr":0},"gdpr":1}}""");
        Assert.Equal("NEW", r.GetString(r.User.Consent));
        Assert.Equal(1, r.Regs.Gdpr);
    }

    [Fact]
    public void Parse_Defaults_WhenFieldsAreAbsent()
    {
        var r = Parse("""{"id":"x","imp":[{"id":"1"}]}""");
        Assert.Equal(2, r.AuctionType);
        Assert.Null(r.TMax);
        Assert.False(r.Imp(0).HasBidFloor);
        Assert.Equal(0, r.Imp(0).BidFloor);
        Assert.False(r.Site.IsPresent);
        Assert.False(r.Device.IsPresent);
        Assert.False(r.Imp(0).TagId.IsPresent);
    }

    [Fact]
    public void Parse_NullCountsAsAbsent()
    {
        var r = Parse("""{"id":"x","imp":[{"id":"1","banner":null,"bidfloor":null,"tagid":null}],"site":null,"tmax":null,"bcat":null,"device":{"ua":null,"geo":null}}""");
        Assert.False(r.Imp(0).HasBanner);
        Assert.False(r.Imp(0).HasBidFloor);
        Assert.False(r.Imp(0).TagId.IsPresent);
        Assert.False(r.Site.IsPresent);
        Assert.Null(r.TMax);
        Assert.False(r.Device.Ua.IsPresent);
    }

    [Theory]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"at":7}""", 2)]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"at":1}""", 1)]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"at":3}""", 2)]
    public void Parse_UnknownAuctionTypes_AreIgnored(string json, int expected) => Assert.Equal(expected, Parse(json).AuctionType);

    [Fact]
    public void Parse_UnknownFieldsOfAnyShape_AreIgnored()
    {
        var r = Parse("""{"newfield":{"a":[1,2,{"b":null}]},"id":"x","imp":[{"id":"1","future":[[]],"banner":{"w":1,"h":2,"vcm":1,"ext":{}}}],"site":{"x":true,"domain":"d"},"wlang":["en"]}""");
        Assert.Equal("d", r.GetString(r.Site.Domain));
        Assert.Equal(1, r.Imp(0).BannerW);
    }

    [Fact]
    public void Parse_WholeNumbersWrittenAsReals_AreAccepted()
    {
        var r = Parse("""{"id":"x","imp":[{"id":"1","banner":{"w":300.0,"h":2.5e2}}],"tmax":1e2}""");
        Assert.Equal((300, 250), (r.Imp(0).BannerW, r.Imp(0).BannerH));
        Assert.Equal(100, r.TMax);
    }

    [Fact]
    public void Parse_EscapedStrings_AreUnescaped()
    {
        var r = Parse("""{"id":"a\"b\\c\u0041","imp":[{"id":"1","tagid":"\ud83d\ude00"}]}""");
        Assert.Equal("a\"b\\cA", r.GetString(r.Id));
        Assert.Equal("😀", r.GetString(r.Imp(0).TagId));
    }

    [Fact]
    public void Parse_EscapedKeys_AreMatchedUnescaped()
    {
        // Keys are compared as raw bytes where they can be; an escaped one must still match.
        var r = Parse("""{"\u0069d":"x","imp":[{"id":"1","\u0062anner":{"w":300,"h\u0000x":1}}],"site":{"dom\u0061in":"d.com"}}""");
        Assert.Equal("x", r.GetString(r.Id));
        Assert.True(r.Imp(0).HasBanner);
        Assert.Equal(300, r.Imp(0).BannerW);
        Assert.Null(r.Imp(0).BannerH);
        Assert.Equal("d.com", r.GetString(r.Site.Domain));
    }

    [Fact]
    public void Parse_KeyThatIsNotValidUtf16_IsRefusedAsMalformed()
    {
        var e = Refused("""{"id":"x","imp":[{"id":"1"}],"site":{"\ud800":1}}""");
        Assert.Equal((BidRequestError.Malformed, "site"), (e.Error, e.Path));
    }

    [Theory]
    [InlineData("", BidRequestError.EmptyBody, "")]
    [InlineData("   ", BidRequestError.Malformed, "")]
    [InlineData("[]", BidRequestError.WrongType, "")]
    [InlineData("\"x\"", BidRequestError.WrongType, "")]
    [InlineData("{}", BidRequestError.MissingField, "id")]
    [InlineData("""{"id":""}""", BidRequestError.MissingField, "id")]
    [InlineData("""{"id":"x"}""", BidRequestError.MissingField, "imp")]
    [InlineData("""{"id":"x","imp":[]}""", BidRequestError.MissingField, "imp")]
    [InlineData("""{"id":"x","imp":[{}]}""", BidRequestError.MissingField, "imp[].id")]
    [InlineData("""{"id":"x","imp":[{"id":"1"},{"id":"1"}]}""", BidRequestError.InvalidValue, "imp[].id")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"site":{},"app":{}}""", BidRequestError.InvalidValue, "site")]
    [InlineData("""{"id":7,"imp":[{"id":"1"}]}""", BidRequestError.WrongType, "id")]
    [InlineData("""{"id":"x","imp":{"id":"1"}}""", BidRequestError.WrongType, "imp")]
    [InlineData("""{"id":"x","imp":["1"]}""", BidRequestError.WrongType, "imp[]")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":[]}]}""", BidRequestError.WrongType, "imp[].banner")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":{"w":"300"}}]}""", BidRequestError.WrongType, "imp[].banner.w")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":{"w":300.5}}]}""", BidRequestError.InvalidValue, "imp[].banner.w")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":{"w":1e20}}]}""", BidRequestError.InvalidValue, "imp[].banner.w")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":{"format":[{"w":true}]}}]}""", BidRequestError.WrongType, "imp[].banner.format[].w")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":{"format":{"w":1}}}]}""", BidRequestError.WrongType, "imp[].banner.format")]
    [InlineData("""{"id":"x","imp":[{"id":"1","banner":{"battr":["a"]}}]}""", BidRequestError.WrongType, "imp[].banner.battr")]
    [InlineData("""{"id":"x","imp":[{"id":"1","bidfloor":"0.5"}]}""", BidRequestError.WrongType, "imp[].bidfloor")]
    [InlineData("""{"id":"x","imp":[{"id":"1","bidfloor":-1}]}""", BidRequestError.InvalidValue, "imp[].bidfloor")]
    [InlineData("""{"id":"x","imp":[{"id":"1","bidfloor":1e999}]}""", BidRequestError.InvalidValue, "imp[].bidfloor")]
    [InlineData("""{"id":"x","imp":[{"id":"1","pmp":{"deals":[{"bidfloor":-2}]}}]}""", BidRequestError.InvalidValue, "imp[].pmp.deals[].bidfloor")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"site":"a.com"}""", BidRequestError.WrongType, "site")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"site":{"cat":"IAB1"}}""", BidRequestError.WrongType, "site.cat")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"site":{"cat":[1]}}""", BidRequestError.WrongType, "site.cat")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"app":{"publisher":{"id":5}}}""", BidRequestError.WrongType, "app.publisher.id")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"device":{"devicetype":"phone"}}""", BidRequestError.WrongType, "device.devicetype")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"device":{"geo":{"country":840}}}""", BidRequestError.WrongType, "device.geo.country")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"user":{"ext":{"consent":false}}}""", BidRequestError.WrongType, "user.ext.consent")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"regs":{"gdpr":"1"}}""", BidRequestError.WrongType, "regs.gdpr")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"tmax":"100"}""", BidRequestError.WrongType, "tmax")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],"cur":"USD"}""", BidRequestError.WrongType, "cur")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}]} {}""", BidRequestError.Malformed, "")]
    [InlineData("""{"id":"x","imp":[{"id":"1"}],}""", BidRequestError.Malformed, "")]
    [InlineData("""{"id":"x", /* c */ "imp":[{"id":"1"}]}""", BidRequestError.Malformed, "")]
    [InlineData("""{'id':'x'}""", BidRequestError.Malformed, "")]
    public void Parse_BadRequest_IsRefusedNamingTheField(string json, BidRequestError error, string path)
    {
        var e = Refused(json);
        Assert.Equal(error, e.Error);
        Assert.Equal(path, e.Path);
        Assert.Equal(400, e.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
        if (path.Length > 0)
        {
            Assert.StartsWith(path + ": ", e.Message);
        }
    }

    [Fact]
    public void Parse_EveryTruncatedPrefix_IsRefusedAsBadRequest()
    {
        var full = FullRequest.AsSpan(0, Array.LastIndexOf(FullRequest, (byte)'}')).ToArray();
        for (var length = 0; length < full.Length; length++)
        {
            var request = new BidRequest();
            var e = Assert.Throws<BidRequestException>(() => BidRequestParser.Parse(full.AsSpan(0, length), request));
            Assert.Equal(400, e.StatusCode);
        }
    }

    [Fact]
    public void Parse_RandomCorruptions_OnlyEverThrowBidRequestException()
    {
        var random = new Random(2026);
        var request = new BidRequest();
        var accepted = 0;
        for (var trial = 0; trial < 5000; trial++)
        {
            var bytes = (byte[])FullRequest.Clone();
            var edits = 1 + random.Next(4);
            for (var k = 0; k < edits; k++)
            {
                bytes[random.Next(bytes.Length)] = "{}[]\":,09eE.tfn\\ x\u00ff"u8[random.Next(20)];
            }

            try
            {
                BidRequestParser.Parse(bytes, request);
                accepted++;
            }
            catch (BidRequestException e)
            {
                Assert.Equal(400, e.StatusCode);
            }
        }

        // Some corruptions land in ignored or string content and still parse; most must be refused.
        Assert.InRange(accepted, 1, 4999);
    }

    [Fact]
    public void Parse_Limits_AreEnforced()
    {
        var limits = new BidRequestLimits { MaxImps = 2, MaxListItems = 3, MaxStringBytes = 10, MaxDepth = 8 };
        BidRequestException Limited(string json) =>
            Assert.Throws<BidRequestException>(() => BidRequestParser.Parse(Encoding.UTF8.GetBytes(json), new BidRequest(), limits));

        Assert.Equal(BidRequestError.LimitExceeded, Limited("""{"id":"x","imp":[{"id":"1"},{"id":"2"},{"id":"3"}]}""").Error);
        Assert.Equal("bcat", Limited("""{"id":"x","imp":[{"id":"1"}],"bcat":["a","b","c","d"]}""").Path);
        Assert.Equal("imp[].tagid", Limited("""{"id":"x","imp":[{"id":"1","tagid":"0123456789A"}]}""").Path);
        Assert.Equal("imp[].banner.format", Limited("""{"id":"x","imp":[{"id":"1","banner":{"format":[{},{},{},{}]}}]}""").Path);
        Assert.Equal("imp[].pmp.deals", Limited("""{"id":"x","imp":[{"id":"1","pmp":{"deals":[{},{},{},{}]}}]}""").Path);
        Assert.Equal(BidRequestError.Malformed, Limited("""{"id":"x","imp":[{"id":"1"}],"ext":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}}""").Error);
        BidRequestParser.Parse(Encoding.UTF8.GetBytes("""{"id":"x","imp":[{"id":"1","tagid":"0123456789"}],"bcat":["a","b","c"]}"""), new BidRequest(), limits);
    }

    [Fact]
    public void Parse_MultiSegmentBody_EqualsSingleSpan()
    {
        foreach (var piece in new[] { 1, 7, 64, 1000 })
        {
            var r = new BidRequest();
            BidRequestParser.Parse(RequestSegments.Split(FullRequest, piece), r);
            Assert.Equal("req-1é", r.GetString(r.Id));
            Assert.Equal("San Francisco", r.GetString(r.Device.GeoCity));
            Assert.Equal(2, r.Formats(r.Imp(0)).Length);
        }
    }

    [Fact]
    public void Parse_ReusedRequest_ForgetsThePreviousOne()
    {
        var r = new BidRequest();
        BidRequestParser.Parse(FullRequest, r);
        BidRequestParser.Parse("""{"id":"y","imp":[{"id":"9"}]}"""u8, r);
        Assert.Equal("y", r.GetString(r.Id));
        Assert.Equal(1, r.ImpCount);
        Assert.False(r.Site.IsPresent);
        Assert.False(r.Device.IsPresent);
        Assert.Equal(0, r.BlockedCategories.Count);
        Assert.Equal(2, r.AuctionType);
    }

    [Fact]
    public void Parse_SteadyState_AllocatesNothing()
    {
        var sim = new TrafficSimulator();
        var bodies = Enumerable.Range(0, 50).Select(_ => sim.Next().ToJson()).Append(FullRequest).ToArray();
        var r = new BidRequest();
        var allocated = SteadyState.AllocatedBytes(() =>
        {
            foreach (var body in bodies)
            {
                BidRequestParser.Parse(body, r);
            }
        }, 20);

        Assert.Equal(0, allocated);
    }
}
