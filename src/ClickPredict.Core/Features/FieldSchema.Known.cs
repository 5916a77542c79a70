using static ClickPredict.Core.Features.FieldKind;
using static ClickPredict.Core.Features.FieldScope;

namespace ClickPredict.Core.Features;

/// <summary>The schemas this build knows. Field order is part of each schema's contract: append, never reorder.</summary>
public sealed partial class FieldSchema
{
    /// <summary>Fields of an OpenRTB 2.5/2.6 bid request and a candidate creative; also what the bidder logs.</summary>
    public static FieldSchema OpenRtb { get; } = new("openrtb", "OpenRTB 2.5/2.6 bid request plus candidate creative",
    [
        ("exchange", Request, Categorical, "the exchange the request came from (bidder config)"),
        ("channel", Request, Categorical, "site or app"),
        ("site.domain", Request, Categorical, "site.domain, else the host of site.page, lower-cased"),
        ("site.cat", Request, Categorical, "first IAB category of site.cat"),
        ("app.bundle", Request, Categorical, "app.bundle"),
        ("app.cat", Request, Categorical, "first IAB category of app.cat"),
        ("publisher.id", Request, Categorical, "site.publisher.id or app.publisher.id"),
        ("imp.tagid", Request, Categorical, "imp.tagid"),
        ("imp.size", Request, Categorical, "banner w x h, else its first format"),
        ("imp.pos", Request, Categorical, "banner.pos"),
        ("imp.instl", Request, Categorical, "imp.instl"),
        ("imp.secure", Request, Categorical, "imp.secure"),
        ("imp.bidfloor", Request, Numeric, "imp.bidfloor in its currency (CPM)"),
        ("imp.deal", Request, Categorical, "1 when the imp offers private-marketplace deals"),
        ("device.type", Request, Categorical, "device.devicetype"),
        ("device.os", Request, Categorical, "device.os, else the OS family of device.ua, lower-cased"),
        ("device.osv", Request, Categorical, "major version of device.osv"),
        ("device.make", Request, Categorical, "device.make, lower-cased"),
        ("device.model", Request, Categorical, "device.model, lower-cased"),
        ("device.browser", Request, Categorical, "browser family of device.ua"),
        ("device.conn", Request, Categorical, "device.connectiontype"),
        ("device.lang", Request, Categorical, "device.language, lower-cased"),
        ("geo.country", Request, Categorical, "device.geo.country (ISO alpha-3)"),
        ("geo.region", Request, Categorical, "device.geo.region"),
        ("geo.city", Request, Categorical, "device.geo.city"),
        ("time.hour", Request, Categorical, "hour of day (UTC) the request arrived"),
        ("time.dow", Request, Categorical, "day of week (UTC, 0 = Sunday) the request arrived"),
        ("user.known", Request, Categorical, "known, unknown, or restricted by COPPA/GDPR"),
        ("auction.type", Request, Categorical, "at: 1 first price, 2 second price"),
        ("creative.id", Candidate, Categorical, "the candidate creative"),
        ("campaign.id", Candidate, Categorical, "the candidate's campaign"),
        ("advertiser.id", Candidate, Categorical, "the candidate's advertiser"),
        ("creative.size", Candidate, Categorical, "the candidate's w x h"),
    ]);

    /// <summary>Criteo Kaggle display-advertising logs: 13 integer and 26 hashed categorical columns.</summary>
    public static FieldSchema Criteo { get; } = new("criteo", "Criteo display-advertising challenge (label, I1-I13, C1-C26)",
    [
        ("I1", Request, Numeric, "integer column 1"), ("I2", Request, Numeric, "integer column 2"),
        ("I3", Request, Numeric, "integer column 3"), ("I4", Request, Numeric, "integer column 4"),
        ("I5", Request, Numeric, "integer column 5"), ("I6", Request, Numeric, "integer column 6"),
        ("I7", Request, Numeric, "integer column 7"), ("I8", Request, Numeric, "integer column 8"),
        ("I9", Request, Numeric, "integer column 9"), ("I10", Request, Numeric, "integer column 10"),
        ("I11", Request, Numeric, "integer column 11"), ("I12", Request, Numeric, "integer column 12"),
        ("I13", Request, Numeric, "integer column 13"),
        ("C1", Request, Categorical, "categorical column 1"), ("C2", Request, Categorical, "categorical column 2"),
        ("C3", Request, Categorical, "categorical column 3"), ("C4", Request, Categorical, "categorical column 4"),
        ("C5", Request, Categorical, "categorical column 5"), ("C6", Request, Categorical, "categorical column 6"),
        ("C7", Request, Categorical, "categorical column 7"), ("C8", Request, Categorical, "categorical column 8"),
        ("C9", Request, Categorical, "categorical column 9"), ("C10", Request, Categorical, "categorical column 10"),
        ("C11", Request, Categorical, "categorical column 11"), ("C12", Request, Categorical, "categorical column 12"),
        ("C13", Request, Categorical, "categorical column 13"), ("C14", Request, Categorical, "categorical column 14"),
        ("C15", Request, Categorical, "categorical column 15"), ("C16", Request, Categorical, "categorical column 16"),
        ("C17", Request, Categorical, "categorical column 17"), ("C18", Request, Categorical, "categorical column 18"),
        ("C19", Request, Categorical, "categorical column 19"), ("C20", Request, Categorical, "categorical column 20"),
        ("C21", Request, Categorical, "categorical column 21"), ("C22", Request, Categorical, "categorical column 22"),
        ("C23", Request, Categorical, "categorical column 23"), ("C24", Request, Categorical, "categorical column 24"),
        ("C25", Request, Categorical, "categorical column 25"), ("C26", Request, Categorical, "categorical column 26"),
    ]);

    /// <summary>Avazu mobile CTR logs (Kaggle): the CSV columns, plus hour of day and day of week derived from <c>hour</c>.</summary>
    public static FieldSchema Avazu { get; } = new("avazu", "Avazu click-through rate prediction (Kaggle) CSV",
    [
        ("hour_of_day", Request, Categorical, "HH of the hour column"),
        ("day_of_week", Request, Categorical, "day of week of the hour column (0 = Sunday)"),
        ("C1", Request, Categorical, "anonymised"),
        ("banner_pos", Request, Categorical, "banner position"),
        ("site_id", Request, Categorical, "site"),
        ("site_domain", Request, Categorical, "site domain"),
        ("site_category", Request, Categorical, "site category"),
        ("app_id", Request, Categorical, "app"),
        ("app_domain", Request, Categorical, "app domain"),
        ("app_category", Request, Categorical, "app category"),
        ("device_id", Request, Categorical, "device"),
        ("device_ip", Request, Categorical, "device IP"),
        ("device_model", Request, Categorical, "device model"),
        ("device_type", Request, Categorical, "device type"),
        ("device_conn_type", Request, Categorical, "connection type"),
        ("C14", Request, Categorical, "anonymised"), ("C15", Request, Categorical, "anonymised (ad width)"),
        ("C16", Request, Categorical, "anonymised (ad height)"), ("C17", Request, Categorical, "anonymised"),
        ("C18", Request, Categorical, "anonymised"), ("C19", Request, Categorical, "anonymised"),
        ("C20", Request, Categorical, "anonymised"), ("C21", Request, Categorical, "anonymised"),
    ]);

    /// <summary>iPinYou RTB impression logs, decoded (normalised user agent, price bucket) or raw season-3 rows.</summary>
    public static FieldSchema IPinYou { get; } = new("ipinyou", "iPinYou RTB impressions (decoded or raw season-3 logs)",
    [
        ("weekday", Request, Categorical, "day of week"),
        ("hour", Request, Categorical, "hour of day"),
        ("useragent", Request, Categorical, "normalised os_browser"),
        ("os", Request, Categorical, "OS family from useragent"),
        ("browser", Request, Categorical, "browser family from useragent"),
        ("ip", Request, Categorical, "IP with the last octet masked"),
        ("region", Request, Categorical, "region id"),
        ("city", Request, Categorical, "city id"),
        ("adexchange", Request, Categorical, "ad exchange id"),
        ("domain", Request, Categorical, "hashed domain"),
        ("slotid", Request, Categorical, "ad slot id"),
        ("slotwidth", Request, Categorical, "slot width"),
        ("slotheight", Request, Categorical, "slot height"),
        ("slotsize", Request, Categorical, "slot width x height"),
        ("slotvisibility", Request, Categorical, "slot visibility"),
        ("slotformat", Request, Categorical, "slot format"),
        ("slotprice_bucket", Request, Categorical, "floor price bucket (1-10, 11-50, 51-100, 101+)"),
        ("creative", Candidate, Categorical, "creative id"),
        ("advertiser", Candidate, Categorical, "advertiser id"),
    ]);

    private static readonly FieldSchema[] s_all = [OpenRtb, Criteo, Avazu, IPinYou];

    /// <summary>Every schema this build knows.</summary>
    public static IReadOnlyList<FieldSchema> All => s_all;
}
