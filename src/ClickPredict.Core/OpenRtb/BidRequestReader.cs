namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reads an OpenRTB 2.5/2.6 bid request into a reusable <see cref="BidRequest"/>, whatever its wire
/// format: the ~75 keys are dispatched and the objects filled here, once, over the tokens of
/// <typeparamref name="TTokens"/> (<see cref="OpenRtbJsonTokens"/> for <see cref="BidRequestParser"/>,
/// <see cref="OpenRtbMessagePackTokens"/> for <see cref="BidRequestMessagePackParser"/>). Unknown
/// fields and enum values are ignored (OpenRTB "Versioning Behavior"), null counts as absent, and a
/// known field of the wrong type, a missing id or imp, or anything over the limits is refused with a
/// <see cref="BidRequestException"/> naming the field. Nothing is allocated per request once the
/// request's pools have grown.
/// </summary>
internal static partial class BidRequestReader<TTokens>
    where TTokens : struct, IOpenRtbTokenReader, allows ref struct
{
    /// <summary>Reads the whole body: one object, nothing after it, then the checks across fields.</summary>
    public static void Read(ref TTokens r, BidRequest req, BidRequestLimits limits)
    {
        var kind = r.Peek();
        if (kind != OpenRtbToken.Object)
        {
            BidRequestException.Throw(BidRequestError.WrongType, string.Empty, $"the bid request must be an object, found {OpenRtbTokenText.Describe(kind)}");
        }

        var root = r.EnterObject(string.Empty);
        ReadRequest(ref r, ref root, req, limits);
        if (!r.AtEnd())
        {
            BidRequestException.Throw(BidRequestError.Malformed, string.Empty, "unexpected content after the bid request");
        }

        BidRequestValidation.Validate(req);
    }

    private static void ReadRequest(ref TTokens r, ref OpenRtbContainer obj, BidRequest req, BidRequestLimits limits)
    {
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("id"u8))
            {
                req.Id = String(ref r, req, limits, "id");
            }
            else if (key.SequenceEqual("imp"u8))
            {
                ReadImps(ref r, req, limits);
            }
            else if (key.SequenceEqual("site"u8))
            {
                ReadInventory(ref r, req, req.Site, limits, "site");
            }
            else if (key.SequenceEqual("app"u8))
            {
                ReadInventory(ref r, req, req.App, limits, "app");
            }
            else if (key.SequenceEqual("device"u8))
            {
                ReadDevice(ref r, req, limits);
            }
            else if (key.SequenceEqual("user"u8))
            {
                ReadUser(ref r, req, limits);
            }
            else if (key.SequenceEqual("regs"u8))
            {
                ReadRegs(ref r, req, limits);
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
                req.Currencies = StringList(ref r, req, limits, "cur");
            }
            else if (key.SequenceEqual("bcat"u8))
            {
                req.BlockedCategories = StringList(ref r, req, limits, "bcat");
            }
            else if (key.SequenceEqual("badv"u8))
            {
                req.BlockedAdvertisers = StringList(ref r, req, limits, "badv");
            }
            else if (key.SequenceEqual("bapp"u8))
            {
                req.BlockedApps = StringList(ref r, req, limits, "bapp");
            }
            else if (key.SequenceEqual("test"u8))
            {
                req.Test = Int(ref r, "test") ?? 0;
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadImps(ref TTokens r, BidRequest req, BidRequestLimits limits)
    {
        if (!TryEnterArray(ref r, "imp", out var list))
        {
            return;
        }

        while (r.NextItem(ref list))
        {
            if (req.ImpCount >= limits.MaxImps)
            {
                BidRequestException.Throw(BidRequestError.LimitExceeded, "imp", $"more than {limits.MaxImps} imps");
            }

            var obj = EnterObject(ref r, "imp[]");
            ReadImp(ref r, ref obj, req, req.AddImp(), limits);
        }
    }

    private static void ReadImp(ref TTokens r, ref OpenRtbContainer obj, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("id"u8))
            {
                imp.Id = String(ref r, req, limits, "imp[].id");
            }
            else if (key.SequenceEqual("banner"u8))
            {
                if (TryEnterObject(ref r, "imp[].banner", out var banner))
                {
                    imp.HasBanner = true;
                    ReadBanner(ref r, ref banner, req, imp, limits);
                }
            }
            else if (key.SequenceEqual("bidfloor"u8))
            {
                if (Floor(ref r, "imp[].bidfloor") is { } floor)
                {
                    imp.BidFloor = floor;
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
                if (TryEnterObject(ref r, "imp[].pmp", out var pmp))
                {
                    ReadPmp(ref r, ref pmp, req, imp, limits);
                }
            }
            else if (key.SequenceEqual("video"u8))
            {
                imp.HasVideo |= SkipPresent(ref r);
            }
            else if (key.SequenceEqual("native"u8))
            {
                imp.HasNative |= SkipPresent(ref r);
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadBanner(ref TTokens r, ref OpenRtbContainer obj, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
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
                ReadFormats(ref r, req, imp, limits);
            }
            else if (key.SequenceEqual("btype"u8))
            {
                imp.BlockedTypes = IntList(ref r, req, limits, "imp[].banner.btype");
            }
            else if (key.SequenceEqual("battr"u8))
            {
                imp.BlockedAttributes = IntList(ref r, req, limits, "imp[].banner.battr");
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadFormats(ref TTokens r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        imp.FormatStart = req.FormatCount;
        imp.FormatCount = 0;
        if (!TryEnterArray(ref r, "imp[].banner.format", out var list))
        {
            return;
        }

        var items = 0;
        while (NextObject(ref r, ref list, ref items, limits, "imp[].banner.format[]", "formats", out var obj))
        {
            int? w = null, h = null;
            while (r.NextProperty(ref obj))
            {
                var key = r.Key;
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
                    r.Skip();
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

    private static void ReadPmp(ref TTokens r, ref OpenRtbContainer obj, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("private_auction"u8))
            {
                imp.PrivateAuction = Int(ref r, "imp[].pmp.private_auction");
            }
            else if (key.SequenceEqual("deals"u8))
            {
                ReadDeals(ref r, req, imp, limits);
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadDeals(ref TTokens r, BidRequest req, Imp imp, BidRequestLimits limits)
    {
        imp.DealStart = req.DealCount;
        imp.DealCount = 0;
        if (!TryEnterArray(ref r, "imp[].pmp.deals", out var list))
        {
            return;
        }

        var items = 0;
        while (NextObject(ref r, ref list, ref items, limits, "imp[].pmp.deals[]", "deals", out var deal))
        {
            req.AddDeal(ReadDeal(ref r, ref deal, req, limits));
            imp.DealCount++;
        }
    }

    private static Deal ReadDeal(ref TTokens r, ref OpenRtbContainer obj, BidRequest req, BidRequestLimits limits)
    {
        var id = Utf8Slice.None;
        var cur = Utf8Slice.None;
        double floor = 0;
        int? at = null;
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("id"u8))
            {
                id = String(ref r, req, limits, "imp[].pmp.deals[].id");
            }
            else if (key.SequenceEqual("bidfloor"u8))
            {
                floor = Floor(ref r, "imp[].pmp.deals[].bidfloor") ?? 0;
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
                r.Skip();
            }
        }

        return new Deal(id, floor, cur, at);
    }
}
