using ClickPredict.Core.Features;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Fills the <see cref="FieldSchema.OpenRtb"/> fields from a parsed request, one of its imps and a
/// candidate creative. Missing attributes stay missing (their own feature value), never a default.
/// User-level fields honour COPPA and GDPR before they say anything about the user.
/// </summary>
public static class OpenRtbFieldExtractor
{
    /// <summary>
    /// Writes every request-scoped field for imp <paramref name="impIndex"/>, received at
    /// <paramref name="receivedUtc"/> from <paramref name="exchange"/> (empty when unknown).
    /// Candidate fields are cleared; set them with <see cref="ExtractCandidate"/>.
    /// </summary>
    public static void ExtractRequest(BidRequest request, int impIndex, DateTimeOffset receivedUtc, ReadOnlySpan<byte> exchange, FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(values);
        values.Clear();
        var imp = request.Imp(impIndex);

        values.Set(OpenRtbFields.Exchange, exchange);
        ExtractInventory(request, values);
        ExtractImp(request, imp, values);
        ExtractDevice(request, values);

        var utc = receivedUtc.UtcDateTime;
        values.Set(OpenRtbFields.TimeHour, utc.Hour);
        values.Set(OpenRtbFields.TimeDayOfWeek, (int)utc.DayOfWeek);
        values.Set(OpenRtbFields.UserKnown, UserState(request));
        values.Set(OpenRtbFields.AuctionType, request.AuctionType);
    }

    /// <summary>
    /// Rewrites the imp-scoped fields (<c>imp.*</c>) for imp <paramref name="impIndex"/>, leaving the rest:
    /// after <see cref="ExtractRequest"/> for another imp of the same request, <paramref name="values"/>
    /// then holds what <see cref="ExtractRequest"/> for this imp gives (candidate fields aside), without
    /// extracting the request's other fields again.
    /// </summary>
    public static void ExtractImp(BidRequest request, int impIndex, FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(values);
        // ExtractImp below sets some of them only when present: forget the previous imp's first.
        values.SetMissing(OpenRtbFields.ImpSize);
        values.SetMissing(OpenRtbFields.ImpPosition);
        values.SetMissing(OpenRtbFields.ImpInterstitial);
        values.SetMissing(OpenRtbFields.ImpSecure);
        values.SetMissing(OpenRtbFields.ImpBidFloor);
        ExtractImp(request, request.Imp(impIndex), values);
    }

    /// <summary>Writes the candidate-scoped fields of <paramref name="candidate"/>, replacing the previous candidate's.</summary>
    public static void ExtractCandidate(AdCandidate candidate, FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(values);
        values.Set(OpenRtbFields.CreativeId, candidate.CreativeIdUtf8);
        values.Set(OpenRtbFields.CampaignId, candidate.CampaignIdUtf8);
        values.Set(OpenRtbFields.AdvertiserId, candidate.AdvertiserIdUtf8);
        values.Set(OpenRtbFields.CreativeSize, candidate.SizeUtf8);
    }

    /// <summary>Privacy-aware user state: restricted under COPPA or under GDPR without a consent string.</summary>
    public static ReadOnlySpan<byte> UserState(BidRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Regs.Coppa == 1 || (request.Regs.Gdpr == 1 && !request.User.Consent.HasValue))
        {
            return "restricted"u8;
        }

        return request.User.Id.HasValue || request.User.BuyerUid.HasValue ? "known"u8 : "unknown"u8;
    }

    /// <summary>The host of an absolute URL (<c>https://www.example.com/x</c> gives <c>www.example.com</c>); empty when there is none.</summary>
    public static ReadOnlySpan<byte> HostOf(ReadOnlySpan<byte> url)
    {
        var scheme = url.IndexOf("://"u8);
        if (scheme < 0)
        {
            return default;
        }

        var host = url[(scheme + 3)..];
        var end = host.IndexOfAny("/?#"u8);
        host = end < 0 ? host : host[..end];
        var at = host.LastIndexOf((byte)'@');
        host = at < 0 ? host : host[(at + 1)..];
        var port = host.LastIndexOf((byte)':');
        return port < 0 ? host : host[..port];
    }

    private static void ExtractInventory(BidRequest request, FieldValues values)
    {
        if (request.Site.IsPresent)
        {
            var site = request.Site;
            values.Set(OpenRtbFields.Channel, "site"u8);
            var domain = request.Text(site.Domain);
            values.SetLowerAscii(OpenRtbFields.SiteDomain, domain.IsEmpty ? HostOf(request.Text(site.Page)) : domain);
            values.Set(OpenRtbFields.SiteCategory, First(request, site.Categories));
            values.Set(OpenRtbFields.PublisherId, request.Text(site.PublisherId));
        }
        else if (request.App.IsPresent)
        {
            var app = request.App;
            values.Set(OpenRtbFields.Channel, "app"u8);
            values.SetLowerAscii(OpenRtbFields.AppBundle, request.Text(app.Bundle));
            values.Set(OpenRtbFields.AppCategory, First(request, app.Categories));
            values.Set(OpenRtbFields.PublisherId, request.Text(app.PublisherId));
        }
    }

    private static void ExtractImp(BidRequest request, Imp imp, FieldValues values)
    {
        values.Set(OpenRtbFields.ImpTagId, request.Text(imp.TagId));
        if (imp.BannerW > 0 && imp.BannerH > 0)
        {
            values.SetSize(OpenRtbFields.ImpSize, imp.BannerW.Value, imp.BannerH.Value);
        }
        else if (imp.FormatCount > 0)
        {
            var first = request.Formats(imp)[0];
            values.SetSize(OpenRtbFields.ImpSize, first.W, first.H);
        }

        SetOptional(values, OpenRtbFields.ImpPosition, imp.BannerPos);
        SetOptional(values, OpenRtbFields.ImpInterstitial, imp.Instl);
        SetOptional(values, OpenRtbFields.ImpSecure, imp.Secure);
        if (imp.HasBidFloor)
        {
            values.Set(OpenRtbFields.ImpBidFloor, imp.BidFloor);
        }

        values.Set(OpenRtbFields.ImpDeal, imp.DealCount > 0 ? "1"u8 : "0"u8);
    }

    private static void ExtractDevice(BidRequest request, FieldValues values)
    {
        var device = request.Device;
        if (!device.IsPresent)
        {
            return;
        }

        var ua = request.Text(device.Ua);
        SetOptional(values, OpenRtbFields.DeviceType, device.DeviceType);
        var os = request.Text(device.Os);
        values.SetLowerAscii(OpenRtbFields.DeviceOs, os.IsEmpty && !ua.IsEmpty ? UserAgentClassifier.OsFamily(ua) : os);
        var osv = request.Text(device.Osv);
        var dot = osv.IndexOf((byte)'.');
        values.Set(OpenRtbFields.DeviceOsVersion, dot < 0 ? osv : osv[..dot]);
        values.SetLowerAscii(OpenRtbFields.DeviceMake, request.Text(device.Make));
        values.SetLowerAscii(OpenRtbFields.DeviceModel, request.Text(device.Model));
        if (!ua.IsEmpty)
        {
            values.Set(OpenRtbFields.DeviceBrowser, UserAgentClassifier.BrowserFamily(ua));
        }

        SetOptional(values, OpenRtbFields.DeviceConnection, device.ConnectionType);
        values.SetLowerAscii(OpenRtbFields.DeviceLanguage, request.Text(device.Language));
        values.Set(OpenRtbFields.GeoCountry, request.Text(device.GeoCountry));
        values.Set(OpenRtbFields.GeoRegion, request.Text(device.GeoRegion));
        values.Set(OpenRtbFields.GeoCity, request.Text(device.GeoCity));
    }

    private static ReadOnlySpan<byte> First(BidRequest request, SliceList list) =>
        list.Count > 0 ? request.Text(request.Strings(list)[0]) : default;

    private static void SetOptional(FieldValues values, int field, int? value)
    {
        if (value is { } v)
        {
            values.Set(field, v);
        }
    }
}
