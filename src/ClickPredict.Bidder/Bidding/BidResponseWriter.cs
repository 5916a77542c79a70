using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Notices;
using MessagePack;

namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// Writes bid responses into the context's buffer: JSON with <see cref="Utf8JsonWriter"/>, or the
/// same schema in MessagePack for MessagePack requests (OpenRTB answers in the request's format).
/// Win, billing, loss and click URLs are assembled in stack buffers from pieces each creative keeps
/// encoded, so a response allocates nothing.
/// </summary>
internal sealed class BidResponseWriter
{
    // An exchange substitutes the clearing price and (OpenRTB 2.6) the minimum bid to win here (substitution macros).
    private static ReadOnlySpan<byte> WinMacros => "&price=${AUCTION_PRICE}&mtw=${AUCTION_MIN_TO_WIN}"u8;

    // On a loss notice: the loss reason code and the minimum bid to win.
    private static ReadOnlySpan<byte> LossMacros => "&loss=${AUCTION_LOSS}&mtw=${AUCTION_MIN_TO_WIN}"u8;

    private static ReadOnlySpan<byte> Quote => "\""u8;

    private static readonly JsonEncodedText s_id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText s_bidId = JsonEncodedText.Encode("bidid");
    private static readonly JsonEncodedText s_cur = JsonEncodedText.Encode("cur");
    private static readonly JsonEncodedText s_seatBid = JsonEncodedText.Encode("seatbid");
    private static readonly JsonEncodedText s_seat = JsonEncodedText.Encode("seat");
    private static readonly JsonEncodedText s_bid = JsonEncodedText.Encode("bid");
    private static readonly JsonEncodedText s_impId = JsonEncodedText.Encode("impid");
    private static readonly JsonEncodedText s_price = JsonEncodedText.Encode("price");
    private static readonly JsonEncodedText s_adId = JsonEncodedText.Encode("adid");
    private static readonly JsonEncodedText s_crId = JsonEncodedText.Encode("crid");
    private static readonly JsonEncodedText s_cId = JsonEncodedText.Encode("cid");
    private static readonly JsonEncodedText s_adomain = JsonEncodedText.Encode("adomain");
    private static readonly JsonEncodedText s_cat = JsonEncodedText.Encode("cat");
    private static readonly JsonEncodedText s_attr = JsonEncodedText.Encode("attr");
    private static readonly JsonEncodedText s_w = JsonEncodedText.Encode("w");
    private static readonly JsonEncodedText s_h = JsonEncodedText.Encode("h");
    private static readonly JsonEncodedText s_mtype = JsonEncodedText.Encode("mtype");
    private static readonly JsonEncodedText s_nurl = JsonEncodedText.Encode("nurl");
    private static readonly JsonEncodedText s_burl = JsonEncodedText.Encode("burl");
    private static readonly JsonEncodedText s_lurl = JsonEncodedText.Encode("lurl");
    private static readonly JsonEncodedText s_adm = JsonEncodedText.Encode("adm");
    private static readonly JsonEncodedText s_nbr = JsonEncodedText.Encode("nbr");

    private readonly NoticeSigner _signer;
    private readonly byte[] _seatUtf8;

    public BidResponseWriter(NoticeSigner signer, string seat)
    {
        _signer = signer;
        _seatUtf8 = System.Text.Encoding.UTF8.GetBytes(seat);
    }

    /// <summary>Upper bound of one bid's three notice URLs (and, at the buffer's end, the fields they share) and of its markup, for the stack buffers.</summary>
    internal const int UrlBufferBytes = 4096;
    private const int FieldsBufferBytes = 256;
    internal const int AdmBufferBytes = 2048;

    [SkipLocalsInit]
    public void WriteJson(BidContext ctx)
    {
        var w = ctx.Json;
        var request = ctx.Request;
        Span<byte> bidHex = stackalloc byte[BidIds.HexLength];
        Span<byte> url = stackalloc byte[UrlBufferBytes];
        Span<byte> adm = stackalloc byte[AdmBufferBytes];

        w.WriteStartObject();
        w.WriteString(s_id, request.Text(request.Id));
        BidIds.Format(ctx.Bids[0].Id, bidHex);
        w.WriteString(s_bidId, bidHex);
        w.WriteString(s_cur, ctx.BidCurrency.CodeUtf8);
        w.WriteStartArray(s_seatBid);
        w.WriteStartObject();
        w.WriteString(s_seat, _seatUtf8);
        w.WriteStartArray(s_bid);
        for (var i = 0; i < ctx.BidCount; i++)
        {
            ref readonly var bid = ref ctx.Bids[i];
            var creative = bid.Creative;
            var campaign = creative.Campaign;
            BidIds.Format(bid.Id, bidHex);
            w.WriteStartObject();
            w.WriteString(s_id, bidHex);
            w.WriteString(s_impId, request.Text(request.Imp(bid.ImpIndex).Id));
            w.WriteNumber(s_price, bid.Price);
            w.WriteString(s_adId, creative.IdUtf8);
            w.WriteString(s_crId, creative.IdUtf8);
            w.WriteString(s_cId, campaign.IdUtf8);
            w.WriteStartArray(s_adomain);
            foreach (var domain in campaign.Advertiser.AdomainUtf8)
            {
                w.WriteStringValue(domain);
            }

            w.WriteEndArray();
            if (campaign.CategoriesUtf8.Length > 0)
            {
                w.WriteStartArray(s_cat);
                foreach (var category in campaign.CategoriesUtf8)
                {
                    w.WriteStringValue(category);
                }

                w.WriteEndArray();
            }

            if (creative.Attributes.Length > 0)
            {
                w.WriteStartArray(s_attr);
                foreach (var attribute in creative.Attributes)
                {
                    w.WriteNumberValue(attribute);
                }

                w.WriteEndArray();
            }

            w.WriteNumber(s_w, creative.Width);
            w.WriteNumber(s_h, creative.Height);
            w.WriteNumber(s_mtype, 1);
            // Written raw: the creative's pieces are JSON-escaped at load and the bid's own fields (hex, digits,
            // a currency code, base64url) need no escaping, so the writer does not scan a kilobyte per bid for it.
            var urls = NoticeUrls(ctx, bid, bidHex, creative.Json, Quote, url);
            w.WritePropertyName(s_nurl);
            w.WriteRawValue(url[urls.Win], skipInputValidation: true);
            w.WritePropertyName(s_burl);
            w.WriteRawValue(url[urls.Bill], skipInputValidation: true);
            w.WritePropertyName(s_lurl);
            w.WriteRawValue(url[urls.Loss], skipInputValidation: true);
            w.WritePropertyName(s_adm);
            w.WriteRawValue(Markup(ctx, bid, bidHex, creative.Json, Quote, adm), skipInputValidation: true);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    [SkipLocalsInit]
    public void WriteMessagePack(BidContext ctx)
    {
        scoped var w = new MessagePackWriter(ctx.Output);
        var request = ctx.Request;
        Span<byte> bidHex = stackalloc byte[BidIds.HexLength];
        Span<byte> url = stackalloc byte[UrlBufferBytes];
        Span<byte> adm = stackalloc byte[AdmBufferBytes];

        w.WriteMapHeader(4);
        w.WriteString("id"u8);
        w.WriteString(request.Text(request.Id));
        w.WriteString("bidid"u8);
        BidIds.Format(ctx.Bids[0].Id, bidHex);
        w.WriteString(bidHex);
        w.WriteString("cur"u8);
        w.WriteString(ctx.BidCurrency.CodeUtf8);
        w.WriteString("seatbid"u8);
        w.WriteArrayHeader(1);
        w.WriteMapHeader(2);
        w.WriteString("seat"u8);
        w.WriteString(_seatUtf8);
        w.WriteString("bid"u8);
        w.WriteArrayHeader(ctx.BidCount);
        for (var i = 0; i < ctx.BidCount; i++)
        {
            ref readonly var bid = ref ctx.Bids[i];
            var creative = bid.Creative;
            var campaign = creative.Campaign;
            BidIds.Format(bid.Id, bidHex);
            var hasCategories = campaign.CategoriesUtf8.Length > 0;
            var hasAttributes = creative.Attributes.Length > 0;
            w.WriteMapHeader(14 + (hasCategories ? 1 : 0) + (hasAttributes ? 1 : 0));
            w.WriteString("id"u8);
            w.WriteString(bidHex);
            w.WriteString("impid"u8);
            w.WriteString(request.Text(request.Imp(bid.ImpIndex).Id));
            w.WriteString("price"u8);
            w.Write((double)bid.Price);
            w.WriteString("adid"u8);
            w.WriteString(creative.IdUtf8);
            w.WriteString("crid"u8);
            w.WriteString(creative.IdUtf8);
            w.WriteString("cid"u8);
            w.WriteString(campaign.IdUtf8);
            w.WriteString("adomain"u8);
            w.WriteArrayHeader(campaign.Advertiser.AdomainUtf8.Length);
            foreach (var domain in campaign.Advertiser.AdomainUtf8)
            {
                w.WriteString(domain);
            }

            if (hasCategories)
            {
                w.WriteString("cat"u8);
                w.WriteArrayHeader(campaign.CategoriesUtf8.Length);
                foreach (var category in campaign.CategoriesUtf8)
                {
                    w.WriteString(category);
                }
            }

            if (hasAttributes)
            {
                w.WriteString("attr"u8);
                w.WriteArrayHeader(creative.Attributes.Length);
                foreach (var attribute in creative.Attributes)
                {
                    w.Write(attribute);
                }
            }

            w.WriteString("w"u8);
            w.Write(creative.Width);
            w.WriteString("h"u8);
            w.Write(creative.Height);
            w.WriteString("mtype"u8);
            w.Write(1);
            var urls = NoticeUrls(ctx, bid, bidHex, creative.Raw, default, url);
            w.WriteString("nurl"u8);
            w.WriteString(url[urls.Win]);
            w.WriteString("burl"u8);
            w.WriteString(url[urls.Bill]);
            w.WriteString("lurl"u8);
            w.WriteString(url[urls.Loss]);
            w.WriteString("adm"u8);
            w.WriteString(Markup(ctx, bid, bidHex, creative.Raw, default, adm));
        }

        w.Flush();
    }

    /// <summary><c>{"id":..,"seatbid":[],"nbr":N}</c>, for exchanges that want a no-bid body.</summary>
    public static void WriteNoBidJson(BidContext ctx, int nbr)
    {
        var w = ctx.Json;
        w.WriteStartObject();
        w.WriteString(s_id, ctx.Request.Text(ctx.Request.Id));
        w.WriteStartArray(s_seatBid);
        w.WriteEndArray();
        w.WriteNumber(s_nbr, nbr);
        w.WriteEndObject();
        w.Flush();
    }

    public static void WriteNoBidMessagePack(BidContext ctx, int nbr)
    {
        scoped var w = new MessagePackWriter(ctx.Output);
        w.WriteMapHeader(3);
        w.WriteString("id"u8);
        w.WriteString(ctx.Request.Text(ctx.Request.Id));
        w.WriteString("seatbid"u8);
        w.WriteArrayHeader(0);
        w.WriteString("nbr"u8);
        w.Write(nbr);
        w.Flush();
    }

    /// <summary>
    /// The bid's win, billing and loss URLs, one after another in <paramref name="buffer"/>:
    /// <c>{base}/win?cr=..&amp;b=..&amp;t=..&amp;p=..&amp;cu=..&amp;s=..&amp;price=${AUCTION_PRICE}&amp;mtw=${AUCTION_MIN_TO_WIN}</c>
    /// (<c>/bill</c> the same; <c>/loss</c> ends <c>&amp;loss=${AUCTION_LOSS}&amp;mtw=${AUCTION_MIN_TO_WIN}</c>). The three share
    /// one signature over the bid, creative, time, our price and currency (<see cref="NoticeSigner"/>), so the
    /// bid costs one HMAC for them, and the price and time are formatted once.
    /// </summary>
    /// <remarks>
    /// <c>pieces</c> are the creative's in the answer's encoding; <c>quote</c> is written before and after each URL
    /// (a double quote for a raw JSON value, nothing for MessagePack).
    /// </remarks>
    private NoticeUrlRanges NoticeUrls(BidContext ctx, in PlacedBid bid, ReadOnlySpan<byte> bidHex, CreativePieces pieces, ReadOnlySpan<byte> quote, Span<byte> buffer)
    {
        var creative = bid.Creative;
        Span<byte> price = stackalloc byte[32];
        Utf8Formatter.TryFormat(bid.Price, price, out var priceLength);
        price = price[..priceLength];
        var timeMs = ctx.ReceivedUtc.ToUnixTimeMilliseconds();
        var currency = ctx.BidCurrency.CodeUtf8;

        // The fields after the path, signature included, are the same in all three: written once, copied twice.
        var fields = buffer[^FieldsBufferBytes..];
        var at = Append(fields, 0, bidHex);
        at = Append(fields, at, "&t="u8);
        Utf8Formatter.TryFormat(timeMs, fields[at..], out var written);
        at += written;
        at = Append(fields, at, "&p="u8);
        at = Append(fields, at, price);
        at = Append(fields, at, "&cu="u8);
        at = Append(fields, at, currency);
        at = Append(fields, at, "&s="u8);
        NoticeSigner.Sign(ctx.Mac ??= _signer.CreateMac(), NoticeKind.Win, bid.Id, creative.IdUtf8, timeMs, price, currency, fields[at..]);
        fields = fields[..(at + NoticeSigner.SignatureChars)];

        // The URLs are written from the buffer's start and must end before the fields they copy (Bidder:PublicBaseUrl's
        // length limit keeps them well short of it).
        var urlsLength = pieces.WinUrlPrefix.Length + pieces.BillUrlPrefix.Length + pieces.LossUrlPrefix.Length
            + (3 * (fields.Length + (2 * quote.Length))) + (2 * WinMacros.Length) + LossMacros.Length;
        if (urlsLength > buffer.Length - FieldsBufferBytes)
        {
            throw new InvalidOperationException($"the notice URLs of creative '{creative.Id}' take {urlsLength} bytes, more than the {buffer.Length - FieldsBufferBytes} their buffer holds");
        }

        var win = NoticeUrl(buffer, 0, pieces.WinUrlPrefix, fields, WinMacros, quote);
        var bill = NoticeUrl(buffer, win.End.Value, pieces.BillUrlPrefix, fields, WinMacros, quote);
        var loss = NoticeUrl(buffer, bill.End.Value, pieces.LossUrlPrefix, fields, LossMacros, quote);
        return new NoticeUrlRanges(win, bill, loss);
    }

    private static Range NoticeUrl(Span<byte> buffer, int start, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> fields, ReadOnlySpan<byte> macros, ReadOnlySpan<byte> quote)
    {
        var at = Append(buffer, start, quote);
        at = Append(buffer, at, prefix);
        at = Append(buffer, at, fields);
        at = Append(buffer, at, macros);
        at = Append(buffer, at, quote);
        return start..at;
    }

    /// <summary>The creative's markup with its signed click URL (in an HTML attribute, so '&amp;' is escaped), between <paramref name="quote"/>s.</summary>
    private ReadOnlySpan<byte> Markup(BidContext ctx, in PlacedBid bid, ReadOnlySpan<byte> bidHex, CreativePieces pieces, ReadOnlySpan<byte> quote, Span<byte> buffer)
    {
        var creative = bid.Creative;
        var timeMs = ctx.ReceivedUtc.ToUnixTimeMilliseconds();
        var at = Append(buffer, 0, quote);
        at = Append(buffer, at, pieces.AdmPrefix);
        at = Append(buffer, at, bidHex);
        at = Append(buffer, at, "&amp;t="u8);
        Utf8Formatter.TryFormat(timeMs, buffer[at..], out var written);
        at += written;
        at = Append(buffer, at, "&amp;s="u8);
        NoticeSigner.Sign(ctx.Mac ??= _signer.CreateMac(), NoticeKind.Click, bid.Id, creative.IdUtf8, timeMs, default, default, buffer[at..]);
        at += NoticeSigner.SignatureChars;
        at = Append(buffer, at, pieces.AdmSuffix);
        at = Append(buffer, at, quote);
        return buffer[..at];
    }

    private static int Append(Span<byte> buffer, int at, ReadOnlySpan<byte> piece)
    {
        piece.CopyTo(buffer[at..]);
        return at + piece.Length;
    }

    /// <summary>Where the win, billing and loss URLs are in the buffer <see cref="NoticeUrls"/> wrote them to.</summary>
    private readonly record struct NoticeUrlRanges(Range Win, Range Bill, Range Loss);
}
