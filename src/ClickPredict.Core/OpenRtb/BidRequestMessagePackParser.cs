using System.Buffers;
using MessagePack;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reads OpenRTB 2.5/2.6 bid requests encoded as MessagePack (<c>application/x-msgpack</c>: the JSON
/// schema with maps for objects, string keys, arrays, strings, numbers and nil) into a reusable
/// <see cref="BidRequest"/> with <see cref="MessagePackReader"/>. It follows
/// <see cref="BidRequestParser"/> rule for rule: unknown keys and enum values are ignored, nil counts
/// as absent, a known field of the wrong type, a missing id or imp, or anything over the
/// <see cref="BidRequestLimits"/> is refused with the same <see cref="BidRequestException"/> (same
/// error, same path), and it allocates nothing per request once the request's pools have grown.
/// </summary>
/// <remarks>
/// MessagePack's own <see cref="MessagePackReader.Skip"/> recurses without a depth bound, so unknown
/// values are skipped here with one that counts depth: a body of nested one-byte array headers
/// must be refused, not allowed to exhaust the stack.
/// </remarks>
public static partial class BidRequestMessagePackParser
{
    /// <summary>Parses <paramref name="body"/> into <paramref name="request"/> (which is reset first).</summary>
    public static void Parse(ReadOnlyMemory<byte> body, BidRequest request, BidRequestLimits? limits = null) =>
        Parse(new ReadOnlySequence<byte>(body), request, limits);

    /// <summary>Parses a body that arrived in one or several segments (a pipe's buffer, say).</summary>
    public static void Parse(ReadOnlySequence<byte> body, BidRequest request, BidRequestLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        limits ??= BidRequestLimits.Default;
        request.Reset();
        if (body.IsEmpty)
        {
            BidRequestException.Throw(BidRequestError.EmptyBody, string.Empty, "the request body is empty");
        }

        var reader = new MessagePackReader(body);
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                BidRequestException.Throw(BidRequestError.WrongType, string.Empty, $"the bid request must be a MessagePack map, found {Describe(ref reader)}");
            }

            ParseRequest(ref reader, request, limits);
            if (!reader.End)
            {
                BidRequestException.Throw(BidRequestError.Malformed, string.Empty, "unexpected content after the bid request map");
            }
        }
        catch (EndOfStreamException e)
        {
            // Also what the reader says when a header claims more items or bytes than the body holds.
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "the MessagePack ends early", e);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            // The reader's own checks on a length or count that cannot be (a corrupt header).
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "invalid MessagePack: a length or number out of range", e);
        }
        catch (MessagePackSerializationException e)
        {
            // A byte that is no MessagePack code (0xc1), or a value the reader cannot decode.
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "invalid MessagePack: " + e.Message, e);
        }

        BidRequestValidation.Validate(request);
    }

    private static void ParseRequest(ref MessagePackReader r, BidRequest req, BidRequestLimits limits)
    {
        var count = StartMap(ref r, string.Empty, 1, limits);
        for (var i = 0; i < count; i++)
        {
            var key = Key(ref r, req, string.Empty);
            if (key.SequenceEqual("id"u8))
            {
                req.Id = String(ref r, req, limits, "id");
            }
            else if (key.SequenceEqual("imp"u8))
            {
                ParseImps(ref r, req, limits);
            }
            else if (key.SequenceEqual("site"u8))
            {
                ParseInventory(ref r, req, req.Site, limits, "site");
            }
            else if (key.SequenceEqual("app"u8))
            {
                ParseInventory(ref r, req, req.App, limits, "app");
            }
            else if (key.SequenceEqual("device"u8))
            {
                ParseDevice(ref r, req, limits);
            }
            else if (key.SequenceEqual("user"u8))
            {
                ParseUser(ref r, req, limits);
            }
            else if (key.SequenceEqual("regs"u8))
            {
                ParseRegs(ref r, req, limits);
            }
            else if (key.SequenceEqual("at"u8))
            {
                // Unknown auction types are ignored (versioning rules): the default, 2, stands.
                var at = Int(ref r, "at");
                if (at is 1 or 2)
                {
                    req.AuctionType = at.Value;
                }
            }
            else if (key.SequenceEqual("tmax"u8))
            {
                var tmax = Int(ref r, "tmax");
                req.TMax = tmax > 0 ? tmax : null;
            }
            else if (key.SequenceEqual("cur"u8))
            {
                req.Currencies = StringList(ref r, req, limits, "cur", 2);
            }
            else if (key.SequenceEqual("bcat"u8))
            {
                req.BlockedCategories = StringList(ref r, req, limits, "bcat", 2);
            }
            else if (key.SequenceEqual("badv"u8))
            {
                req.BlockedAdvertisers = StringList(ref r, req, limits, "badv", 2);
            }
            else if (key.SequenceEqual("bapp"u8))
            {
                req.BlockedApps = StringList(ref r, req, limits, "bapp", 2);
            }
            else if (key.SequenceEqual("test"u8))
            {
                req.Test = Int(ref r, "test") ?? 0;
            }
            else
            {
                Skip(ref r, 1, limits);
            }
        }
    }

    private static void ParseImps(ref MessagePackReader r, BidRequest req, BidRequestLimits limits)
    {
        var count = StartArray(ref r, "imp", 2, limits);
        if (count > limits.MaxImps)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, "imp", $"more than {limits.MaxImps} imps");
        }

        for (var i = 0; i < count; i++)
        {
            if (r.NextMessagePackType != MessagePackType.Map)
            {
                BidRequestException.Throw(BidRequestError.WrongType, "imp[]", $"expected an object, found {Describe(ref r)}");
            }

            ParseImp(ref r, req, req.AddImp(), limits);
        }
    }

    private static void ParseImp(ref MessagePackReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        var count = StartMap(ref r, "imp[]", 3, limits);
        for (var i = 0; i < count; i++)
        {
            var key = Key(ref r, req, "imp[]");
            if (key.SequenceEqual("id"u8))
            {
                imp.Id = String(ref r, req, limits, "imp[].id");
            }
            else if (key.SequenceEqual("banner"u8))
            {
                if (!TryNil(ref r))
                {
                    imp.HasBanner = true;
                    ParseBanner(ref r, req, imp, limits);
                }
            }
            else if (key.SequenceEqual("bidfloor"u8))
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
            else if (key.SequenceEqual("bidfloorcur"u8))
            {
                imp.BidFloorCur = String(ref r, req, limits, "imp[].bidfloorcur");
            }
            else if (key.SequenceEqual("tagid"u8))
            {
                imp.TagId = String(ref r, req, limits, "imp[].tagid");
            }
            else if (key.SequenceEqual("instl"u8))
            {
                imp.Instl = Int(ref r, "imp[].instl");
            }
            else if (key.SequenceEqual("secure"u8))
            {
                imp.Secure = Int(ref r, "imp[].secure");
            }
            else if (key.SequenceEqual("pmp"u8))
            {
                if (!TryNil(ref r))
                {
                    ParsePmp(ref r, req, imp, limits);
                }
            }
            else if (key.SequenceEqual("video"u8))
            {
                imp.HasVideo |= SkipPresent(ref r, 3, limits);
            }
            else if (key.SequenceEqual("native"u8))
            {
                imp.HasNative |= SkipPresent(ref r, 3, limits);
            }
            else
            {
                Skip(ref r, 3, limits);
            }
        }
    }

    private static void ParseBanner(ref MessagePackReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        var count = StartMap(ref r, "imp[].banner", 4, limits);
        for (var i = 0; i < count; i++)
        {
            var key = Key(ref r, req, "imp[].banner");
            if (key.SequenceEqual("w"u8))
            {
                imp.BannerW = Int(ref r, "imp[].banner.w");
            }
            else if (key.SequenceEqual("h"u8))
            {
                imp.BannerH = Int(ref r, "imp[].banner.h");
            }
            else if (key.SequenceEqual("pos"u8))
            {
                imp.BannerPos = Int(ref r, "imp[].banner.pos");
            }
            else if (key.SequenceEqual("format"u8))
            {
                ParseFormats(ref r, req, imp, limits);
            }
            else if (key.SequenceEqual("btype"u8))
            {
                imp.BlockedTypes = IntList(ref r, req, limits, "imp[].banner.btype", 5);
            }
            else if (key.SequenceEqual("battr"u8))
            {
                imp.BlockedAttributes = IntList(ref r, req, limits, "imp[].banner.battr", 5);
            }
            else
            {
                Skip(ref r, 4, limits);
            }
        }
    }

    private static void ParseFormats(ref MessagePackReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        imp.FormatStart = req.FormatCount;
        imp.FormatCount = 0;
        if (TryNil(ref r))
        {
            return;
        }

        var count = StartArray(ref r, "imp[].banner.format", 5, limits);
        if (count > limits.MaxListItems)
        {
            BidRequestException.Throw(BidRequestError.LimitExceeded, "imp[].banner.format", $"more than {limits.MaxListItems} formats");
        }

        for (var i = 0; i < count; i++)
        {
            if (r.NextMessagePackType != MessagePackType.Map)
            {
                BidRequestException.Throw(BidRequestError.WrongType, "imp[].banner.format[]", $"expected an object, found {Describe(ref r)}");
            }

            var fields = StartMap(ref r, "imp[].banner.format[]", 6, limits);
            int? w = null, h = null;
            for (var j = 0; j < fields; j++)
            {
                var key = Key(ref r, req, "imp[].banner.format[]");
                if (key.SequenceEqual("w"u8))
                {
                    w = Int(ref r, "imp[].banner.format[].w");
                }
                else if (key.SequenceEqual("h"u8))
                {
                    h = Int(ref r, "imp[].banner.format[].h");
                }
                else
                {
                    Skip(ref r, 6, limits);
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

    private static void ParsePmp(ref MessagePackReader r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        var count = StartMap(ref r, "imp[].pmp", 4, limits);
        for (var i = 0; i < count; i++)
        {
            var key = Key(ref r, req, "imp[].pmp");
            if (key.SequenceEqual("private_auction"u8))
            {
                imp.PrivateAuction = Int(ref r, "imp[].pmp.private_auction");
            }
            else if (key.SequenceEqual("deals"u8))
            {
                imp.DealStart = req.DealCount;
                imp.DealCount = 0;
                if (TryNil(ref r))
                {
                    continue;
                }

                var deals = StartArray(ref r, "imp[].pmp.deals", 5, limits);
                if (deals > limits.MaxListItems)
                {
                    BidRequestException.Throw(BidRequestError.LimitExceeded, "imp[].pmp.deals", $"more than {limits.MaxListItems} deals");
                }

                for (var j = 0; j < deals; j++)
                {
                    if (r.NextMessagePackType != MessagePackType.Map)
                    {
                        BidRequestException.Throw(BidRequestError.WrongType, "imp[].pmp.deals[]", $"expected an object, found {Describe(ref r)}");
                    }

                    req.AddDeal(ParseDeal(ref r, req, limits));
                    imp.DealCount++;
                }
            }
            else
            {
                Skip(ref r, 4, limits);
            }
        }
    }

    private static Deal ParseDeal(ref MessagePackReader r, BidRequest req, BidRequestLimits limits)
    {
        var id = Utf8Slice.None;
        var cur = Utf8Slice.None;
        double floor = 0;
        int? at = null;
        var count = StartMap(ref r, "imp[].pmp.deals[]", 6, limits);
        for (var i = 0; i < count; i++)
        {
            var key = Key(ref r, req, "imp[].pmp.deals[]");
            if (key.SequenceEqual("id"u8))
            {
                id = String(ref r, req, limits, "imp[].pmp.deals[].id");
            }
            else if (key.SequenceEqual("bidfloor"u8))
            {
                floor = Double(ref r, "imp[].pmp.deals[].bidfloor") ?? 0;
                if (floor < 0)
                {
                    BidRequestException.Throw(BidRequestError.InvalidValue, "imp[].pmp.deals[].bidfloor", "must not be negative");
                }
            }
            else if (key.SequenceEqual("bidfloorcur"u8))
            {
                cur = String(ref r, req, limits, "imp[].pmp.deals[].bidfloorcur");
            }
            else if (key.SequenceEqual("at"u8))
            {
                at = Int(ref r, "imp[].pmp.deals[].at");
            }
            else
            {
                Skip(ref r, 6, limits);
            }
        }

        return new Deal(id, floor, cur, at);
    }
}
