namespace ClickPredict.Core.OpenRtb;

/// <summary>The context objects: site or app, device and geo, user, regs.</summary>
internal static partial class BidRequestReader<TTokens>
{
    private static void ReadInventory(ref TTokens r, BidRequest req, Inventory inventory, BidRequestLimits limits, string path)
    {
        if (!TryEnterObject(ref r, path, out var obj))
        {
            return;
        }

        var isSite = ReferenceEquals(inventory, req.Site);
        inventory.IsPresent = true;
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("id"u8))
            {
                inventory.Id = String(ref r, req, limits, isSite ? "site.id" : "app.id");
            }
            else if (key.SequenceEqual("domain"u8))
            {
                inventory.Domain = String(ref r, req, limits, isSite ? "site.domain" : "app.domain");
            }
            else if (isSite && key.SequenceEqual("page"u8))
            {
                inventory.Page = String(ref r, req, limits, "site.page");
            }
            else if (!isSite && key.SequenceEqual("bundle"u8))
            {
                inventory.Bundle = String(ref r, req, limits, "app.bundle");
            }
            else if (key.SequenceEqual("cat"u8))
            {
                inventory.Categories = StringList(ref r, req, limits, isSite ? "site.cat" : "app.cat");
            }
            else if (key.SequenceEqual("publisher"u8))
            {
                inventory.PublisherId = isSite
                    ? StringIn(ref r, req, limits, "site.publisher", "id"u8, "site.publisher.id")
                    : StringIn(ref r, req, limits, "app.publisher", "id"u8, "app.publisher.id");
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadDevice(ref TTokens r, BidRequest req, BidRequestLimits limits)
    {
        if (!TryEnterObject(ref r, "device", out var obj))
        {
            return;
        }

        var d = req.Device;
        d.IsPresent = true;
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("ua"u8))
            {
                d.Ua = String(ref r, req, limits, "device.ua");
            }
            else if (key.SequenceEqual("ip"u8))
            {
                d.Ip = String(ref r, req, limits, "device.ip");
            }
            else if (key.SequenceEqual("ipv6"u8))
            {
                d.Ipv6 = String(ref r, req, limits, "device.ipv6");
            }
            else if (key.SequenceEqual("devicetype"u8))
            {
                d.DeviceType = Int(ref r, "device.devicetype");
            }
            else if (key.SequenceEqual("os"u8))
            {
                d.Os = String(ref r, req, limits, "device.os");
            }
            else if (key.SequenceEqual("osv"u8))
            {
                d.Osv = String(ref r, req, limits, "device.osv");
            }
            else if (key.SequenceEqual("make"u8))
            {
                d.Make = String(ref r, req, limits, "device.make");
            }
            else if (key.SequenceEqual("model"u8))
            {
                d.Model = String(ref r, req, limits, "device.model");
            }
            else if (key.SequenceEqual("connectiontype"u8))
            {
                d.ConnectionType = Int(ref r, "device.connectiontype");
            }
            else if (key.SequenceEqual("language"u8))
            {
                d.Language = String(ref r, req, limits, "device.language");
            }
            else if (key.SequenceEqual("ifa"u8))
            {
                d.Ifa = String(ref r, req, limits, "device.ifa");
            }
            else if (key.SequenceEqual("carrier"u8))
            {
                d.Carrier = String(ref r, req, limits, "device.carrier");
            }
            else if (key.SequenceEqual("dnt"u8))
            {
                d.Dnt = Int(ref r, "device.dnt");
            }
            else if (key.SequenceEqual("lmt"u8))
            {
                d.Lmt = Int(ref r, "device.lmt");
            }
            else if (key.SequenceEqual("geo"u8))
            {
                ReadGeo(ref r, req, d, limits);
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadGeo(ref TTokens r, BidRequest req, Device d, BidRequestLimits limits)
    {
        if (!TryEnterObject(ref r, "device.geo", out var obj))
        {
            return;
        }

        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("country"u8))
            {
                d.GeoCountry = String(ref r, req, limits, "device.geo.country");
            }
            else if (key.SequenceEqual("region"u8))
            {
                d.GeoRegion = String(ref r, req, limits, "device.geo.region");
            }
            else if (key.SequenceEqual("city"u8))
            {
                d.GeoCity = String(ref r, req, limits, "device.geo.city");
            }
            else
            {
                r.Skip();
            }
        }
    }

    private static void ReadUser(ref TTokens r, BidRequest req, BidRequestLimits limits)
    {
        if (!TryEnterObject(ref r, "user", out var obj))
        {
            return;
        }

        var u = req.User;
        u.IsPresent = true;
        var extConsent = Utf8Slice.None;
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("id"u8))
            {
                u.Id = String(ref r, req, limits, "user.id");
            }
            else if (key.SequenceEqual("buyeruid"u8))
            {
                u.BuyerUid = String(ref r, req, limits, "user.buyeruid");
            }
            else if (key.SequenceEqual("consent"u8))
            {
                u.Consent = String(ref r, req, limits, "user.consent");
            }
            else if (key.SequenceEqual("ext"u8))
            {
                extConsent = StringIn(ref r, req, limits, "user.ext", "consent"u8, "user.ext.consent");
            }
            else
            {
                r.Skip();
            }
        }

        // OpenRTB 2.5 carried consent in user.ext; 2.6 promoted it. The 2.6 field wins when both are sent.
        if (!u.Consent.IsPresent)
        {
            u.Consent = extConsent;
        }
    }

    private static void ReadRegs(ref TTokens r, BidRequest req, BidRequestLimits limits)
    {
        if (!TryEnterObject(ref r, "regs", out var obj))
        {
            return;
        }

        var g = req.Regs;
        int? extGdpr = null;
        var extUsPrivacy = Utf8Slice.None;
        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("coppa"u8))
            {
                g.Coppa = Int(ref r, "regs.coppa");
            }
            else if (key.SequenceEqual("gdpr"u8))
            {
                g.Gdpr = Int(ref r, "regs.gdpr");
            }
            else if (key.SequenceEqual("us_privacy"u8))
            {
                g.UsPrivacy = String(ref r, req, limits, "regs.us_privacy");
            }
            else if (key.SequenceEqual("gpp"u8))
            {
                g.Gpp = String(ref r, req, limits, "regs.gpp");
            }
            else if (key.SequenceEqual("ext"u8))
            {
                ReadRegsExt(ref r, req, limits, ref extGdpr, ref extUsPrivacy);
            }
            else
            {
                r.Skip();
            }
        }

        // The 2.5 forms in regs.ext count only where the 2.6 fields are absent.
        g.Gdpr ??= extGdpr;
        if (!g.UsPrivacy.IsPresent)
        {
            g.UsPrivacy = extUsPrivacy;
        }
    }

    private static void ReadRegsExt(ref TTokens r, BidRequest req, BidRequestLimits limits, ref int? gdpr, ref Utf8Slice usPrivacy)
    {
        if (!TryEnterObject(ref r, "regs.ext", out var obj))
        {
            return;
        }

        while (r.NextProperty(ref obj))
        {
            var key = r.Key;
            if (key.SequenceEqual("gdpr"u8))
            {
                gdpr = Int(ref r, "regs.ext.gdpr");
            }
            else if (key.SequenceEqual("us_privacy"u8))
            {
                usPrivacy = String(ref r, req, limits, "regs.ext.us_privacy");
            }
            else
            {
                r.Skip();
            }
        }
    }
}
