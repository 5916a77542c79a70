using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;
using MessagePack;

namespace ClickPredict.Core.Tests.OpenRtb;

public class BidRequestMessagePackParserTests
{
    private static readonly byte[] s_fullRequest = ToMessagePack(BidRequestParserTests.FullRequest);

    private static BidRequest Parse(byte[] body, BidRequestLimits? limits = null)
    {
        var request = new BidRequest();
        BidRequestMessagePackParser.Parse(body, request, limits);
        return request;
    }

    [Fact]
    public void Parse_FullRequest_ReadsWhatTheJsonParserReads()
    {
        var json = new BidRequest();
        BidRequestParser.Parse(BidRequestParserTests.FullRequest, json);
        var msgpack = Parse(s_fullRequest);
        Assert.Equal(Dump(json), Dump(msgpack));
        Assert.Equal("req-1é", msgpack.GetString(msgpack.Id));
        Assert.Equal([new BannerFormat(300, 250), new BannerFormat(320, 50)], msgpack.Formats(msgpack.Imp(0)).ToArray());
        Assert.Equal("CONSENT-25", msgpack.GetString(msgpack.User.Consent));
    }

    [Fact]
    public void Parse_SimulatorRequests_ReadWhatTheJsonParserReads()
    {
        var sim = new TrafficSimulator(new SimulatorOptions { Seed = 11 });
        var json = new BidRequest();
        var msgpack = new BidRequest();
        for (var i = 0; i < 300; i++)
        {
            var body = sim.Next().ToJson();
            BidRequestParser.Parse(body, json);
            BidRequestMessagePackParser.Parse(ToMessagePack(body), msgpack);
            Assert.Equal(Dump(json), Dump(msgpack));
        }
    }

    [Fact]
    public void Parse_MultiSegmentBody_EqualsOneSegment()
    {
        var expected = Dump(Parse(s_fullRequest));
        foreach (var piece in new[] { 1, 2, 7, 64, 1000 })
        {
            var r = new BidRequest();
            BidRequestMessagePackParser.Parse(RequestSegments.Split(s_fullRequest, piece), r);
            Assert.Equal(expected, Dump(r));
        }
    }

    [Fact]
    public void Parse_NilCountsAsAbsent()
    {
        var r = Parse(ToMessagePack("""{"id":"x","imp":[{"id":"1","banner":null,"bidfloor":null,"tagid":null,"video":null}],"site":null,"tmax":null,"bcat":null,"device":{"ua":null,"geo":null}}"""));
        Assert.False(r.Imp(0).HasBanner);
        Assert.False(r.Imp(0).HasVideo);
        Assert.False(r.Imp(0).HasBidFloor);
        Assert.False(r.Imp(0).TagId.IsPresent);
        Assert.False(r.Site.IsPresent);
        Assert.Null(r.TMax);
        Assert.True(r.Device.IsPresent);
        Assert.False(r.Device.Ua.IsPresent);
    }

    [Fact]
    public void Parse_UnknownKeysOfAnyShape_AreIgnored()
    {
        var r = Parse(ToMessagePack("""{"newfield":{"a":[1,2,{"b":null}],"c":1.5},"id":"x","imp":[{"id":"1","future":[[]],"banner":{"w":1,"h":2,"vcm":1,"ext":{}}}],"site":{"x":true,"domain":"d"},"at":9}"""));
        Assert.Equal("d", r.GetString(r.Site.Domain));
        Assert.Equal(1, r.Imp(0).BannerW);
        Assert.Equal(2, r.AuctionType);
    }

    [Fact]
    public void Parse_IntegersInAnyEncoding_AndWholeFloats_AreAccepted()
    {
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("id");
            w.Write("x");
            w.Write("imp");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(3);
            w.Write("id");
            w.Write("1");
            w.Write("banner");
            w.WriteMapHeader(3);
            w.Write("w");
            w.WriteUInt16(300); // uint16 code, not a fixint
            w.Write("h");
            w.Write(250.0f); // float32 holding a whole number
            w.Write("pos");
            w.WriteInt64(3); // int64 code
            w.Write("bidfloor");
            w.WriteInt32(2); // an integer where a number belongs
            w.Write("tmax");
            w.Write(100.0);
        });
        var r = Parse(body);
        Assert.Equal((300, 250, 3), (r.Imp(0).BannerW, r.Imp(0).BannerH, r.Imp(0).BannerPos));
        Assert.Equal(2.0, r.Imp(0).BidFloor);
        Assert.Equal(100, r.TMax);
    }

    public static TheoryData<string, BidRequestError, string> SameRefusalsAsJson { get; } = new()
    {
        { "{}", BidRequestError.MissingField, "id" },
        { """{"id":""}""", BidRequestError.MissingField, "id" },
        { """{"id":"x"}""", BidRequestError.MissingField, "imp" },
        { """{"id":"x","imp":[]}""", BidRequestError.MissingField, "imp" },
        { """{"id":"x","imp":[{}]}""", BidRequestError.MissingField, "imp[].id" },
        { "[]", BidRequestError.WrongType, "" },
        { "\"x\"", BidRequestError.WrongType, "" },
        { """{"id":"x","imp":[{"id":"1"},{"id":"1"}]}""", BidRequestError.InvalidValue, "imp[].id" },
        { """{"id":"x","imp":[{"id":"1"}],"site":{},"app":{}}""", BidRequestError.InvalidValue, "site" },
        { """{"id":7,"imp":[{"id":"1"}]}""", BidRequestError.WrongType, "id" },
        { """{"id":"x","imp":{"id":"1"}}""", BidRequestError.WrongType, "imp" },
        { """{"id":"x","imp":["1"]}""", BidRequestError.WrongType, "imp[]" },
        { """{"id":"x","imp":[{"id":"1","banner":[]}]}""", BidRequestError.WrongType, "imp[].banner" },
        { """{"id":"x","imp":[{"id":"1","banner":{"w":"300"}}]}""", BidRequestError.WrongType, "imp[].banner.w" },
        { """{"id":"x","imp":[{"id":"1","banner":{"w":300.5}}]}""", BidRequestError.InvalidValue, "imp[].banner.w" },
        { """{"id":"x","imp":[{"id":"1","banner":{"w":1e20}}]}""", BidRequestError.InvalidValue, "imp[].banner.w" },
        { """{"id":"x","imp":[{"id":"1","banner":{"w":5000000000}}]}""", BidRequestError.InvalidValue, "imp[].banner.w" },
        { """{"id":"x","imp":[{"id":"1","banner":{"w":18446744073709551615}}]}""", BidRequestError.InvalidValue, "imp[].banner.w" },
        { """{"id":"x","imp":[{"id":"1","banner":{"format":[{"w":true}]}}]}""", BidRequestError.WrongType, "imp[].banner.format[].w" },
        { """{"id":"x","imp":[{"id":"1","banner":{"format":{"w":1}}}]}""", BidRequestError.WrongType, "imp[].banner.format" },
        { """{"id":"x","imp":[{"id":"1","banner":{"format":[7]}}]}""", BidRequestError.WrongType, "imp[].banner.format[]" },
        { """{"id":"x","imp":[{"id":"1","banner":{"battr":["a"]}}]}""", BidRequestError.WrongType, "imp[].banner.battr" },
        { """{"id":"x","imp":[{"id":"1","banner":{"btype":[1.5]}}]}""", BidRequestError.WrongType, "imp[].banner.btype" },
        { """{"id":"x","imp":[{"id":"1","bidfloor":"0.5"}]}""", BidRequestError.WrongType, "imp[].bidfloor" },
        { """{"id":"x","imp":[{"id":"1","bidfloor":-1}]}""", BidRequestError.InvalidValue, "imp[].bidfloor" },
        { """{"id":"x","imp":[{"id":"1","bidfloor":1e999}]}""", BidRequestError.InvalidValue, "imp[].bidfloor" },
        { """{"id":"x","imp":[{"id":"1","pmp":{"deals":[{"bidfloor":-2}]}}]}""", BidRequestError.InvalidValue, "imp[].pmp.deals[].bidfloor" },
        { """{"id":"x","imp":[{"id":"1","pmp":{"deals":[3]}}]}""", BidRequestError.WrongType, "imp[].pmp.deals[]" },
        { """{"id":"x","imp":[{"id":"1"}],"site":"a.com"}""", BidRequestError.WrongType, "site" },
        { """{"id":"x","imp":[{"id":"1"}],"site":{"cat":"IAB1"}}""", BidRequestError.WrongType, "site.cat" },
        { """{"id":"x","imp":[{"id":"1"}],"site":{"cat":[1]}}""", BidRequestError.WrongType, "site.cat" },
        { """{"id":"x","imp":[{"id":"1"}],"site":{"cat":[null]}}""", BidRequestError.WrongType, "site.cat" },
        { """{"id":"x","imp":[{"id":"1"}],"app":{"publisher":{"id":5}}}""", BidRequestError.WrongType, "app.publisher.id" },
        { """{"id":"x","imp":[{"id":"1"}],"device":{"devicetype":"phone"}}""", BidRequestError.WrongType, "device.devicetype" },
        { """{"id":"x","imp":[{"id":"1"}],"device":{"geo":{"country":840}}}""", BidRequestError.WrongType, "device.geo.country" },
        { """{"id":"x","imp":[{"id":"1"}],"user":{"ext":{"consent":false}}}""", BidRequestError.WrongType, "user.ext.consent" },
        { """{"id":"x","imp":[{"id":"1"}],"regs":{"gdpr":"1"}}""", BidRequestError.WrongType, "regs.gdpr" },
        { """{"id":"x","imp":[{"id":"1"}],"regs":{"ext":[]}}""", BidRequestError.WrongType, "regs.ext" },
        { """{"id":"x","imp":[{"id":"1"}],"tmax":"100"}""", BidRequestError.WrongType, "tmax" },
        { """{"id":"x","imp":[{"id":"1"}],"cur":"USD"}""", BidRequestError.WrongType, "cur" },
    };

    [Theory]
    [MemberData(nameof(SameRefusalsAsJson))]
    public void Parse_BadRequest_IsRefusedAsTheJsonParserRefusesIt(string json, BidRequestError error, string path)
    {
        var fromJson = Assert.Throws<BidRequestException>(() => BidRequestParser.Parse(Encoding.UTF8.GetBytes(json), new BidRequest()));
        var fromMsgpack = Assert.Throws<BidRequestException>(() => Parse(ToMessagePack(json)));
        Assert.Equal((error, path), (fromJson.Error, fromJson.Path));
        Assert.Equal((error, path), (fromMsgpack.Error, fromMsgpack.Path));
        Assert.Equal(400, fromMsgpack.StatusCode);
        if (path.Length > 0)
        {
            Assert.StartsWith(path + ": ", fromMsgpack.Message);
        }
    }

    [Fact]
    public void Parse_EmptyBody_IsRefusedAsEmpty()
    {
        var e = Assert.Throws<BidRequestException>(() => Parse([]));
        Assert.Equal(BidRequestError.EmptyBody, e.Error);
    }

    [Fact]
    public void Parse_EveryTruncatedPrefix_IsRefusedAsMalformed()
    {
        for (var length = 1; length < s_fullRequest.Length; length++)
        {
            var e = Assert.Throws<BidRequestException>(() => BidRequestMessagePackParser.Parse(s_fullRequest.AsMemory(0, length), new BidRequest()));
            Assert.Equal(400, e.StatusCode);
            Assert.Equal(BidRequestError.Malformed, e.Error);
        }
    }

    [Fact]
    public void Parse_TrailingContent_IsRefused()
    {
        var body = s_fullRequest.Append((byte)0xc0).ToArray();
        var e = Assert.Throws<BidRequestException>(() => Parse(body));
        Assert.Equal(BidRequestError.Malformed, e.Error);
        Assert.Contains("after the bid request", e.Message);
    }

    [Fact]
    public void Parse_NeverUsedCode_IsRefusedAsMalformed()
    {
        // 0xc1 is the one byte MessagePack leaves undefined.
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("id");
            w.Write("x");
            w.Write("imp");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(1);
            w.Write("id");
            w.Write("1");
            w.Write("unknown");
            w.WriteRaw(new byte[] { 0xc1 });
        });
        Assert.Equal(BidRequestError.Malformed, Assert.Throws<BidRequestException>(() => Parse(body)).Error);
    }

    [Fact]
    public void Parse_DeeplyNestedUnknownValue_IsRefusedWithoutExhaustingTheStack()
    {
        // 200,000 one-byte array headers: MessagePack's own Skip would recurse once per level.
        var nested = new byte[200_000];
        nested.AsSpan().Fill(0x91);
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(3);
            w.Write("id");
            w.Write("x");
            w.Write("imp");
            w.WriteArrayHeader(1);
            w.WriteMapHeader(1);
            w.Write("id");
            w.Write("1");
            w.Write("ext");
            w.WriteRaw(nested);
            w.WriteNil();
        });
        var e = Assert.Throws<BidRequestException>(() => Parse(body));
        Assert.Equal(BidRequestError.Malformed, e.Error);
        Assert.Contains("nested deeper", e.Message);
    }

    [Fact]
    public void Parse_HeaderClaimingMoreItemsThanTheBodyHolds_IsRefusedAsMalformed()
    {
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("id");
            w.Write("x");
            w.Write("ext");
            w.WriteArrayHeader(int.MaxValue);
            w.WriteNil();
        });
        Assert.Equal(BidRequestError.Malformed, Assert.Throws<BidRequestException>(() => Parse(body)).Error);
    }

    [Fact]
    public void Parse_NonStringKey_IsRefusedAsWrongType()
    {
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("id");
            w.Write("x");
            w.Write(7);
            w.Write("seven");
        });
        var e = Assert.Throws<BidRequestException>(() => Parse(body));
        Assert.Equal(BidRequestError.WrongType, e.Error);
        Assert.Contains("keys must be strings", e.Message);
    }

    [Fact]
    public void Parse_BinaryWhereAStringBelongs_IsRefusedAsWrongType()
    {
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("id");
            w.Write(new byte[] { 1, 2, 3 });
        });
        var e = Assert.Throws<BidRequestException>(() => Parse(body));
        Assert.Equal((BidRequestError.WrongType, "id"), (e.Error, e.Path));
        Assert.Contains("binary", e.Message);
    }

    [Fact]
    public void Parse_InvalidUtf8String_IsRefusedAsMalformed()
    {
        var body = Build((ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(2);
            w.Write("id");
            w.WriteString(new byte[] { 0x61, 0xff, 0xfe });
            w.Write("imp");
            w.WriteArrayHeader(0);
        });
        var e = Assert.Throws<BidRequestException>(() => Parse(body));
        Assert.Equal((BidRequestError.Malformed, "id"), (e.Error, e.Path));
    }

    [Fact]
    public void Parse_Limits_AreEnforcedAsInJson()
    {
        var limits = new BidRequestLimits { MaxImps = 2, MaxListItems = 3, MaxStringBytes = 10, MaxDepth = 8 };
        BidRequestException Limited(string json) => Assert.Throws<BidRequestException>(() => Parse(ToMessagePack(json), limits));

        Assert.Equal(BidRequestError.LimitExceeded, Limited("""{"id":"x","imp":[{"id":"1"},{"id":"2"},{"id":"3"}]}""").Error);
        Assert.Equal("bcat", Limited("""{"id":"x","imp":[{"id":"1"}],"bcat":["a","b","c","d"]}""").Path);
        Assert.Equal("imp[].banner.battr", Limited("""{"id":"x","imp":[{"id":"1","banner":{"battr":[1,2,3,4]}}]}""").Path);
        Assert.Equal("imp[].banner.format", Limited("""{"id":"x","imp":[{"id":"1","banner":{"format":[{},{},{},{}]}}]}""").Path);
        Assert.Equal("imp[].pmp.deals", Limited("""{"id":"x","imp":[{"id":"1","pmp":{"deals":[{},{},{},{}]}}]}""").Path);
        Assert.Equal("site.cat", Limited("""{"id":"x","imp":[{"id":"1"}],"site":{"cat":["a","b","c","d"]}}""").Path);
        Assert.Equal("imp[].tagid", Limited("""{"id":"x","imp":[{"id":"1","tagid":"0123456789A"}]}""").Path);
        Assert.Equal(BidRequestError.Malformed, Limited("""{"id":"x","imp":[{"id":"1"}],"ext":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}}""").Error);
        Parse(ToMessagePack("""{"id":"x","imp":[{"id":"1","tagid":"0123456789"}],"bcat":["a","b","c"],"ext":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}}"""), limits);
    }

    [Fact]
    public void Parse_RandomCorruptions_OnlyEverThrowBidRequestException()
    {
        var random = new Random(2026);
        var request = new BidRequest();
        var accepted = 0;
        for (var trial = 0; trial < 5000; trial++)
        {
            var bytes = (byte[])s_fullRequest.Clone();
            var edits = 1 + random.Next(4);
            for (var k = 0; k < edits; k++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                BidRequestMessagePackParser.Parse(bytes, request);
                accepted++;
            }
            catch (BidRequestException e)
            {
                Assert.Equal(400, e.StatusCode);
            }
        }

        Assert.InRange(accepted, 1, 4999);
    }

    [Fact]
    public void Parse_ReusedRequest_ForgetsThePreviousOne()
    {
        var r = new BidRequest();
        BidRequestMessagePackParser.Parse(s_fullRequest, r);
        BidRequestMessagePackParser.Parse(ToMessagePack("""{"id":"y","imp":[{"id":"9"}]}"""), r);
        Assert.Equal("y", r.GetString(r.Id));
        Assert.Equal(1, r.ImpCount);
        Assert.False(r.Site.IsPresent);
        Assert.Equal(0, r.BlockedCategories.Count);
    }

    [Fact]
    public void Parse_SteadyState_AllocatesNothing()
    {
        var sim = new TrafficSimulator();
        var bodies = Enumerable.Range(0, 50).Select(_ => ToMessagePack(sim.Next().ToJson())).Append(s_fullRequest).ToArray();
        var segmented = RequestSegments.Split(s_fullRequest, 16);
        var r = new BidRequest();
        var allocated = SteadyState.AllocatedBytes(() =>
        {
            foreach (var body in bodies)
            {
                BidRequestMessagePackParser.Parse(body, r);
            }

            BidRequestMessagePackParser.Parse(segmented, r);
        }, 20);

        Assert.Equal(0, allocated);
    }

    /// <summary>The same document in MessagePack: objects as maps with string keys, integers as integers, other numbers as float64.</summary>
    internal static byte[] ToMessagePack(string json) => ToMessagePack(Encoding.UTF8.GetBytes(json));

    internal static byte[] ToMessagePack(byte[] json) => OpenRtbMessagePack.FromJson(json);

    private delegate void WriteBody(ref MessagePackWriter writer);

    private static byte[] Build(WriteBody write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Every field the parsers fill, as text, to compare two parses.</summary>
    private static string Dump(BidRequest r)
    {
        var s = new StringBuilder();
        string? T(Utf8Slice slice) => r.GetString(slice);
        string L(SliceList list) => string.Join(",", r.Strings(list).ToArray().Select(x => r.GetString(x)));
        string I(IntList list) => string.Join(",", r.Ints(list).ToArray());
        s.AppendLine(CultureInfo.InvariantCulture, $"{T(r.Id)}|{r.AuctionType}|{r.TMax}|{L(r.Currencies)}|{L(r.BlockedCategories)}|{L(r.BlockedAdvertisers)}|{L(r.BlockedApps)}|{r.Test}");
        for (var i = 0; i < r.ImpCount; i++)
        {
            var imp = r.Imp(i);
            var formats = string.Join(",", r.Formats(imp).ToArray());
            var deals = string.Join(",", r.Deals(imp).ToArray().Select(d => $"{T(d.Id)}/{d.BidFloor}/{T(d.BidFloorCur)}/{d.AuctionType}"));
            s.AppendLine(CultureInfo.InvariantCulture, $"imp {T(imp.Id)}|{imp.HasBanner}|{imp.BannerW}|{imp.BannerH}|{imp.BannerPos}|{I(imp.BlockedTypes)}|{I(imp.BlockedAttributes)}|{formats}|{imp.HasBidFloor}|{imp.BidFloor}|{T(imp.BidFloorCur)}|{T(imp.TagId)}|{imp.Instl}|{imp.Secure}|{imp.HasVideo}|{imp.HasNative}|{imp.PrivateAuction}|{deals}");
        }

        foreach (var (name, inv) in new[] { ("site", r.Site), ("app", r.App) })
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"{name} {inv.IsPresent}|{T(inv.Id)}|{T(inv.Domain)}|{T(inv.Page)}|{T(inv.Bundle)}|{L(inv.Categories)}|{T(inv.PublisherId)}");
        }

        var d = r.Device;
        s.AppendLine(CultureInfo.InvariantCulture, $"device {d.IsPresent}|{T(d.Ua)}|{T(d.Ip)}|{T(d.Ipv6)}|{d.DeviceType}|{T(d.Os)}|{T(d.Osv)}|{T(d.Make)}|{T(d.Model)}|{d.ConnectionType}|{T(d.Language)}|{T(d.Ifa)}|{T(d.Carrier)}|{d.Dnt}|{d.Lmt}|{T(d.GeoCountry)}|{T(d.GeoRegion)}|{T(d.GeoCity)}");
        s.AppendLine(CultureInfo.InvariantCulture, $"user {r.User.IsPresent}|{T(r.User.Id)}|{T(r.User.BuyerUid)}|{T(r.User.Consent)}");
        s.AppendLine(CultureInfo.InvariantCulture, $"regs {r.Regs.Coppa}|{r.Regs.Gdpr}|{T(r.Regs.UsPrivacy)}|{T(r.Regs.Gpp)}");
        return s.ToString();
    }
}
