using System.Buffers;
using System.Text.Json;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reads OpenRTB 2.5/2.6 JSON into a reusable <see cref="BidRequest"/> with <see cref="Utf8JsonReader"/>:
/// no allocation per request once the request's pools have grown. Unknown fields and unknown enum
/// values are ignored (OpenRTB "Versioning Behavior"); JSON null counts as absent; a known field of
/// the wrong type, a missing id or imp, or anything over the limits is refused with a
/// <see cref="BidRequestException"/> naming the field.
/// </summary>
public static partial class BidRequestParser
{
    /// <summary>Parses <paramref name="utf8Json"/> into <paramref name="request"/> (which is reset first).</summary>
    public static void Parse(ReadOnlySpan<byte> utf8Json, BidRequest request, BidRequestLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        limits ??= BidRequestLimits.Default;
        if (utf8Json.IsEmpty)
        {
            BidRequestException.Throw(BidRequestError.EmptyBody, string.Empty, "the request body is empty");
        }

        var reader = new Utf8JsonReader(utf8Json, Options(limits));
        ParseDocument(ref reader, request, limits);
    }

    /// <summary>Parses a body that arrived in several segments (a pipe's buffer, say).</summary>
    public static void Parse(ReadOnlySequence<byte> utf8Json, BidRequest request, BidRequestLimits? limits = null)
    {
        if (utf8Json.IsSingleSegment)
        {
            Parse(utf8Json.FirstSpan, request, limits);
            return;
        }

        ArgumentNullException.ThrowIfNull(request);
        limits ??= BidRequestLimits.Default;
        var reader = new Utf8JsonReader(utf8Json, Options(limits));
        ParseDocument(ref reader, request, limits);
    }

    private static JsonReaderOptions Options(BidRequestLimits limits) => new()
    {
        MaxDepth = limits.MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static void ParseDocument(ref Utf8JsonReader reader, BidRequest request, BidRequestLimits limits)
    {
        request.Reset();
        try
        {
            if (!reader.Read())
            {
                BidRequestException.Throw(BidRequestError.EmptyBody, string.Empty, "the request body is empty");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                BidRequestException.Throw(BidRequestError.WrongType, string.Empty, "the bid request must be a JSON object");
            }

            ParseRequest(ref reader, request, limits);
            if (reader.Read())
            {
                BidRequestException.Throw(BidRequestError.Malformed, string.Empty, "unexpected content after the bid request object");
            }
        }
        catch (JsonException e)
        {
            // The reader's message says what and where (line, byte position); keep it.
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "invalid JSON: " + e.Message, e);
        }

        BidRequestValidation.Validate(request);
    }

    private static void ParseRequest(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits)
    {
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                req.Id = String(ref r, req, limits, "id");
            }
            else if (r.ValueTextEquals("imp"u8))
            {
                ParseImps(ref r, req, limits);
            }
            else if (r.ValueTextEquals("site"u8))
            {
                ParseInventory(ref r, req, req.Site, limits, "site");
            }
            else if (r.ValueTextEquals("app"u8))
            {
                ParseInventory(ref r, req, req.App, limits, "app");
            }
            else if (r.ValueTextEquals("device"u8))
            {
                ParseDevice(ref r, req, limits);
            }
            else if (r.ValueTextEquals("user"u8))
            {
                ParseUser(ref r, req, limits);
            }
            else if (r.ValueTextEquals("regs"u8))
            {
                ParseRegs(ref r, req, limits);
            }
            else if (r.ValueTextEquals("at"u8))
            {
                // Unknown auction types are ignored (versioning rules): the default, 2, stands.
                var at = Int(ref r, "at");
                if (at is 1 or 2)
                {
                    req.AuctionType = at.Value;
                }
            }
            else if (r.ValueTextEquals("tmax"u8))
            {
                var tmax = Int(ref r, "tmax");
                req.TMax = tmax > 0 ? tmax : null;
            }
            else if (r.ValueTextEquals("cur"u8))
            {
                req.Currencies = StringList(ref r, req, limits, "cur");
            }
            else if (r.ValueTextEquals("bcat"u8))
            {
                req.BlockedCategories = StringList(ref r, req, limits, "bcat");
            }
            else if (r.ValueTextEquals("badv"u8))
            {
                req.BlockedAdvertisers = StringList(ref r, req, limits, "badv");
            }
            else if (r.ValueTextEquals("bapp"u8))
            {
                req.BlockedApps = StringList(ref r, req, limits, "bapp");
            }
            else if (r.ValueTextEquals("test"u8))
            {
                req.Test = Int(ref r, "test") ?? 0;
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static void ParseImps(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits)
    {
        if (!StartArray(ref r, "imp"))
        {
            return;
        }

        while (NextItem(ref r))
        {
            if (req.ImpCount >= limits.MaxImps)
            {
                BidRequestException.Throw(BidRequestError.LimitExceeded, "imp", $"more than {limits.MaxImps} imps");
            }

            ExpectObject(ref r, "imp[]");
            ParseImp(ref r, req, req.AddImp(), limits);
        }
    }

    private static void ParseImp(ref Utf8JsonReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                imp.Id = String(ref r, req, limits, "imp[].id");
            }
            else if (r.ValueTextEquals("banner"u8))
            {
                if (StartObject(ref r, "imp[].banner"))
                {
                    imp.HasBanner = true;
                    ParseBanner(ref r, req, imp, limits);
                }
            }
            else if (r.ValueTextEquals("bidfloor"u8))
            {
                var floor = Double(ref r, "imp[].bidfloor");
                if (floor is { } value)
                {
                    if (value < 0)
                    {
                        BidRequestException.Throw(BidRequestError.InvalidValue, "imp[].bidfloor", "must not be negative");
                    }

                    imp.BidFloor = value;
                    imp.HasBidFloor = true;
                }
            }
            else if (r.ValueTextEquals("bidfloorcur"u8))
            {
                imp.BidFloorCur = String(ref r, req, limits, "imp[].bidfloorcur");
            }
            else if (r.ValueTextEquals("tagid"u8))
            {
                imp.TagId = String(ref r, req, limits, "imp[].tagid");
            }
            else if (r.ValueTextEquals("instl"u8))
            {
                imp.Instl = Int(ref r, "imp[].instl");
            }
            else if (r.ValueTextEquals("secure"u8))
            {
                imp.Secure = Int(ref r, "imp[].secure");
            }
            else if (r.ValueTextEquals("pmp"u8))
            {
                if (StartObject(ref r, "imp[].pmp"))
                {
                    ParsePmp(ref r, req, imp, limits);
                }
            }
            else if (r.ValueTextEquals("video"u8))
            {
                imp.HasVideo |= SkipPresent(ref r);
            }
            else if (r.ValueTextEquals("native"u8))
            {
                imp.HasNative |= SkipPresent(ref r);
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static void ParseBanner(ref Utf8JsonReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("w"u8))
            {
                imp.BannerW = Int(ref r, "imp[].banner.w");
            }
            else if (r.ValueTextEquals("h"u8))
            {
                imp.BannerH = Int(ref r, "imp[].banner.h");
            }
            else if (r.ValueTextEquals("pos"u8))
            {
                imp.BannerPos = Int(ref r, "imp[].banner.pos");
            }
            else if (r.ValueTextEquals("format"u8))
            {
                ParseFormats(ref r, req, imp, limits);
            }
            else if (r.ValueTextEquals("btype"u8))
            {
                imp.BlockedTypes = IntList(ref r, req, limits, "imp[].banner.btype");
            }
            else if (r.ValueTextEquals("battr"u8))
            {
                imp.BlockedAttributes = IntList(ref r, req, limits, "imp[].banner.battr");
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static void ParseFormats(ref Utf8JsonReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        imp.FormatStart = req.FormatCount;
        imp.FormatCount = 0;
        if (!StartArray(ref r, "imp[].banner.format"))
        {
            return;
        }

        while (NextItem(ref r))
        {
            if (imp.FormatCount >= limits.MaxListItems)
            {
                BidRequestException.Throw(BidRequestError.LimitExceeded, "imp[].banner.format", $"more than {limits.MaxListItems} formats");
            }

            ExpectObject(ref r, "imp[].banner.format[]");
            int? w = null, h = null;
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("w"u8))
                {
                    w = Int(ref r, "imp[].banner.format[].w");
                }
                else if (r.ValueTextEquals("h"u8))
                {
                    h = Int(ref r, "imp[].banner.format[].h");
                }
                else
                {
                    SkipValue(ref r);
                }
            }

            // A format given by ratio (wratio/hratio) has no fixed size to match a creative against.
            if (w > 0 && h > 0)
            {
                req.AddFormat(new BannerFormat(w.Value, h.Value));
                imp.FormatCount++;
            }
        }
    }

    private static void ParsePmp(ref Utf8JsonReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("private_auction"u8))
            {
                imp.PrivateAuction = Int(ref r, "imp[].pmp.private_auction");
            }
            else if (r.ValueTextEquals("deals"u8))
            {
                imp.DealStart = req.DealCount;
                imp.DealCount = 0;
                if (!StartArray(ref r, "imp[].pmp.deals"))
                {
                    continue;
                }

                while (NextItem(ref r))
                {
                    if (imp.DealCount >= limits.MaxListItems)
                    {
                        BidRequestException.Throw(BidRequestError.LimitExceeded, "imp[].pmp.deals", $"more than {limits.MaxListItems} deals");
                    }

                    ExpectObject(ref r, "imp[].pmp.deals[]");
                    req.AddDeal(ParseDeal(ref r, req, limits));
                    imp.DealCount++;
                }
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static Deal ParseDeal(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits)
    {
        var id = Utf8Slice.None;
        var cur = Utf8Slice.None;
        double floor = 0;
        int? at = null;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                id = String(ref r, req, limits, "imp[].pmp.deals[].id");
            }
            else if (r.ValueTextEquals("bidfloor"u8))
            {
                floor = Double(ref r, "imp[].pmp.deals[].bidfloor") ?? 0;
                if (floor < 0)
                {
                    BidRequestException.Throw(BidRequestError.InvalidValue, "imp[].pmp.deals[].bidfloor", "must not be negative");
                }
            }
            else if (r.ValueTextEquals("bidfloorcur"u8))
            {
                cur = String(ref r, req, limits, "imp[].pmp.deals[].bidfloorcur");
            }
            else if (r.ValueTextEquals("at"u8))
            {
                at = Int(ref r, "imp[].pmp.deals[].at");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        return new Deal(id, floor, cur, at);
    }
}
