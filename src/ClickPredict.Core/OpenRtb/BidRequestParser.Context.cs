using System.Text.Json;

namespace ClickPredict.Core.OpenRtb;

/// <summary>The context objects: site or app, device and geo, user, regs.</summary>
public static partial class BidRequestParser
{
    private static void ParseInventory(ref Utf8JsonReader r, BidRequest req, Inventory inventory, BidRequestLimits limits, string path)
    {
        if (!StartObject(ref r, path))
        {
            return;
        }

        var isSite = ReferenceEquals(inventory, req.Site);
        inventory.IsPresent = true;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                inventory.Id = String(ref r, req, limits, isSite ? "site.id" : "app.id");
            }
            else if (r.ValueTextEquals("domain"u8))
            {
                inventory.Domain = String(ref r, req, limits, isSite ? "site.domain" : "app.domain");
            }
            else if (isSite && r.ValueTextEquals("page"u8))
            {
                inventory.Page = String(ref r, req, limits, "site.page");
            }
            else if (!isSite && r.ValueTextEquals("bundle"u8))
            {
                inventory.Bundle = String(ref r, req, limits, "app.bundle");
            }
            else if (r.ValueTextEquals("cat"u8))
            {
                inventory.Categories = StringList(ref r, req, limits, isSite ? "site.cat" : "app.cat");
            }
            else if (r.ValueTextEquals("publisher"u8))
            {
                inventory.PublisherId = isSite
                    ? StringIn(ref r, req, limits, "site.publisher", "id"u8, "site.publisher.id")
                    : StringIn(ref r, req, limits, "app.publisher", "id"u8, "app.publisher.id");
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static void ParseDevice(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits)
    {
        if (!StartObject(ref r, "device"))
        {
            return;
        }

        var d = req.Device;
        d.IsPresent = true;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("ua"u8))
            {
                d.Ua = String(ref r, req, limits, "device.ua");
            }
            else if (r.ValueTextEquals("ip"u8))
            {
                d.Ip = String(ref r, req, limits, "device.ip");
            }
            else if (r.ValueTextEquals("ipv6"u8))
            {
                d.Ipv6 = String(ref r, req, limits, "device.ipv6");
            }
            else if (r.ValueTextEquals("devicetype"u8))
            {
                d.DeviceType = Int(ref r, "device.devicetype");
            }
            else if (r.ValueTextEquals("os"u8))
            {
                d.Os = String(ref r, req, limits, "device.os");
            }
            else if (r.ValueTextEquals("osv"u8))
            {
                d.Osv = String(ref r, req, limits, "device.osv");
            }
            else if (r.ValueTextEquals("make"u8))
            {
                d.Make = String(ref r, req, limits, "device.make");
            }
            else if (r.ValueTextEquals("model"u8))
            {
                d.Model = String(ref r, req, limits, "device.model");
            }
            else if (r.ValueTextEquals("connectiontype"u8))
            {
                d.ConnectionType = Int(ref r, "device.connectiontype");
            }
            else if (r.ValueTextEquals("language"u8))
            {
                d.Language = String(ref r, req, limits, "device.language");
            }
            else if (r.ValueTextEquals("ifa"u8))
            {
                d.Ifa = String(ref r, req, limits, "device.ifa");
            }
            else if (r.ValueTextEquals("carrier"u8))
            {
                d.Carrier = String(ref r, req, limits, "device.carrier");
            }
            else if (r.ValueTextEquals("dnt"u8))
            {
                d.Dnt = Int(ref r, "device.dnt");
            }
            else if (r.ValueTextEquals("lmt"u8))
            {
                d.Lmt = Int(ref r, "device.lmt");
            }
            else if (r.ValueTextEquals("geo"u8))
            {
                ParseGeo(ref r, req, d, limits);
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static void ParseGeo(ref Utf8JsonReader r, BidRequest req, Device d, BidRequestLimits limits)
    {
        if (!StartObject(ref r, "device.geo"))
        {
            return;
        }

        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("country"u8))
            {
                d.GeoCountry = String(ref r, req, limits, "device.geo.country");
            }
            else if (r.ValueTextEquals("region"u8))
            {
                d.GeoRegion = String(ref r, req, limits, "device.geo.region");
            }
            else if (r.ValueTextEquals("city"u8))
            {
                d.GeoCity = String(ref r, req, limits, "device.geo.city");
            }
            else
            {
                SkipValue(ref r);
            }
        }
    }

    private static void ParseUser(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits)
    {
        if (!StartObject(ref r, "user"))
        {
            return;
        }

        var u = req.User;
        u.IsPresent = true;
        var extConsent = Utf8Slice.None;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("id"u8))
            {
                u.Id = String(ref r, req, limits, "user.id");
            }
            else if (r.ValueTextEquals("buyeruid"u8))
            {
                u.BuyerUid = String(ref r, req, limits, "user.buyeruid");
            }
            else if (r.ValueTextEquals("consent"u8))
            {
                u.Consent = String(ref r, req, limits, "user.consent");
            }
            else if (r.ValueTextEquals("ext"u8))
            {
                extConsent = StringIn(ref r, req, limits, "user.ext", "consent"u8, "user.ext.consent");
            }
            else
            {
                SkipValue(ref r);
            }
        }

        // OpenRTB 2.5 carried consent in user.ext; 2.6 promoted it. The 2.6 field wins when both are sent.
        if (!u.Consent.IsPresent)
        {
            u.Consent = extConsent;
        }
    }

    private static void ParseRegs(ref Utf8JsonReader r, BidRequest req, BidRequestLimits limits)
    {
        if (!StartObject(ref r, "regs"))
        {
            return;
        }

        var g = req.Regs;
        int? extGdpr = null;
        var extUsPrivacy = Utf8Slice.None;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("coppa"u8))
            {
                g.Coppa = Int(ref r, "regs.coppa");
            }
            else if (r.ValueTextEquals("gdpr"u8))
            {
                g.Gdpr = Int(ref r, "regs.gdpr");
            }
            else if (r.ValueTextEquals("us_privacy"u8))
            {
                g.UsPrivacy = String(ref r, req, limits, "regs.us_privacy");
            }
            else if (r.ValueTextEquals("gpp"u8))
            {
                g.Gpp = String(ref r, req, limits, "regs.gpp");
            }
            else if (r.ValueTextEquals("ext"u8))
            {
                if (StartObject(ref r, "regs.ext"))
                {
                    while (NextProperty(ref r))
                    {
                        if (r.ValueTextEquals("gdpr"u8))
                        {
                            extGdpr = Int(ref r, "regs.ext.gdpr");
                        }
                        else if (r.ValueTextEquals("us_privacy"u8))
                        {
                            extUsPrivacy = String(ref r, req, limits, "regs.ext.us_privacy");
                        }
                        else
                        {
                            SkipValue(ref r);
                        }
                    }
                }
            }
            else
            {
                SkipValue(ref r);
            }
        }

        g.Gdpr ??= extGdpr;
        if (!g.UsPrivacy.IsPresent)
        {
            g.UsPrivacy = extUsPrivacy;
        }
    }
}
