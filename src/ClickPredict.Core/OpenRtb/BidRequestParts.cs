namespace ClickPredict.Core.OpenRtb;

/// <summary><c>imp</c>: one impression offered; banner attributes are kept flat.</summary>
public sealed class Imp
{
    public Utf8Slice Id { get; internal set; }

    /// <summary>True when the imp carries a <c>banner</c> object (the only kind ClickPredict bids on).</summary>
    public bool HasBanner { get; internal set; }

    public int? BannerW { get; internal set; }

    public int? BannerH { get; internal set; }

    /// <summary><c>banner.pos</c> (AdCOM placement position).</summary>
    public int? BannerPos { get; internal set; }

    public IntList BlockedTypes { get; internal set; }

    public IntList BlockedAttributes { get; internal set; }

    internal int FormatStart { get; set; }

    public int FormatCount { get; internal set; }

    public bool HasBidFloor { get; internal set; }

    /// <summary>CPM in <see cref="BidFloorCur"/>; 0 when absent.</summary>
    public double BidFloor { get; internal set; }

    /// <summary>Absent means USD.</summary>
    public Utf8Slice BidFloorCur { get; internal set; }

    public Utf8Slice TagId { get; internal set; }

    public int? Instl { get; internal set; }

    public int? Secure { get; internal set; }

    public bool HasVideo { get; internal set; }

    public bool HasNative { get; internal set; }

    public int? PrivateAuction { get; internal set; }

    internal int DealStart { get; set; }

    public int DealCount { get; internal set; }

    internal void Reset()
    {
        Id = Utf8Slice.None;
        HasBanner = false;
        BannerW = null;
        BannerH = null;
        BannerPos = null;
        BlockedTypes = default;
        BlockedAttributes = default;
        FormatStart = 0;
        FormatCount = 0;
        HasBidFloor = false;
        BidFloor = 0;
        BidFloorCur = Utf8Slice.None;
        TagId = Utf8Slice.None;
        Instl = null;
        Secure = null;
        HasVideo = false;
        HasNative = false;
        PrivateAuction = null;
        DealStart = 0;
        DealCount = 0;
    }
}

/// <summary><c>site</c> or <c>app</c>: where the ad would show.</summary>
public sealed class Inventory
{
    public bool IsPresent { get; internal set; }

    public Utf8Slice Id { get; internal set; }

    public Utf8Slice Domain { get; internal set; }

    /// <summary><c>site.page</c> (sites only).</summary>
    public Utf8Slice Page { get; internal set; }

    /// <summary><c>app.bundle</c> (apps only).</summary>
    public Utf8Slice Bundle { get; internal set; }

    public SliceList Categories { get; internal set; }

    public Utf8Slice PublisherId { get; internal set; }

    internal void Reset()
    {
        IsPresent = false;
        Id = Utf8Slice.None;
        Domain = Utf8Slice.None;
        Page = Utf8Slice.None;
        Bundle = Utf8Slice.None;
        Categories = default;
        PublisherId = Utf8Slice.None;
    }
}

/// <summary><c>device</c>, with its <c>geo</c> flattened in.</summary>
public sealed class Device
{
    public bool IsPresent { get; internal set; }

    public Utf8Slice Ua { get; internal set; }

    public Utf8Slice Ip { get; internal set; }

    public Utf8Slice Ipv6 { get; internal set; }

    public int? DeviceType { get; internal set; }

    public Utf8Slice Os { get; internal set; }

    public Utf8Slice Osv { get; internal set; }

    public Utf8Slice Make { get; internal set; }

    public Utf8Slice Model { get; internal set; }

    public int? ConnectionType { get; internal set; }

    public Utf8Slice Language { get; internal set; }

    public Utf8Slice Ifa { get; internal set; }

    public Utf8Slice Carrier { get; internal set; }

    public int? Dnt { get; internal set; }

    public int? Lmt { get; internal set; }

    /// <summary><c>geo.country</c>, ISO 3166-1 alpha-3.</summary>
    public Utf8Slice GeoCountry { get; internal set; }

    public Utf8Slice GeoRegion { get; internal set; }

    public Utf8Slice GeoCity { get; internal set; }

    internal void Reset()
    {
        IsPresent = false;
        Ua = Ip = Ipv6 = Os = Osv = Make = Model = Language = Ifa = Carrier = Utf8Slice.None;
        GeoCountry = GeoRegion = GeoCity = Utf8Slice.None;
        DeviceType = ConnectionType = Dnt = Lmt = null;
    }
}

/// <summary><c>user</c> (2.6 <c>consent</c>, or 2.5 <c>ext.consent</c>).</summary>
public sealed class User
{
    public bool IsPresent { get; internal set; }

    public Utf8Slice Id { get; internal set; }

    public Utf8Slice BuyerUid { get; internal set; }

    public Utf8Slice Consent { get; internal set; }

    internal void Reset()
    {
        IsPresent = false;
        Id = BuyerUid = Consent = Utf8Slice.None;
    }
}

/// <summary><c>regs</c> (2.6 fields, or their 2.5 <c>ext</c> forms).</summary>
public sealed class Regs
{
    public int? Coppa { get; internal set; }

    public int? Gdpr { get; internal set; }

    public Utf8Slice UsPrivacy { get; internal set; }

    public Utf8Slice Gpp { get; internal set; }

    internal void Reset()
    {
        Coppa = Gdpr = null;
        UsPrivacy = Gpp = Utf8Slice.None;
    }
}
