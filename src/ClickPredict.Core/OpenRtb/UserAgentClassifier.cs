namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reduces a User-Agent header to an OS family and a browser family by looking for well-known tokens
/// (no regular expressions, no allocation). Families are lower-case words, as iPinYou's normalised
/// <c>os_browser</c> column writes them (<c>android_safari</c>, <c>windows_ie</c>, ...).
/// </summary>
public static class UserAgentClassifier
{
    /// <summary>The OS family: windows_phone, android, ios, windows, mac, chromeos, linux or other.</summary>
    public static ReadOnlySpan<byte> OsFamily(ReadOnlySpan<byte> ua)
    {
        // Order matters: Windows Phone UAs also say "Android"; Android UAs also say "Linux".
        if (ua.IndexOf("Windows Phone"u8) >= 0)
        {
            return "windows_phone"u8;
        }

        if (ua.IndexOf("Android"u8) >= 0)
        {
            return "android"u8;
        }

        if (ua.IndexOf("iPhone"u8) >= 0 || ua.IndexOf("iPad"u8) >= 0 || ua.IndexOf("iPod"u8) >= 0)
        {
            return "ios"u8;
        }

        if (ua.IndexOf("Windows"u8) >= 0)
        {
            return "windows"u8;
        }

        if (ua.IndexOf("Macintosh"u8) >= 0 || ua.IndexOf("Mac OS X"u8) >= 0)
        {
            return "mac"u8;
        }

        if (ua.IndexOf("CrOS"u8) >= 0)
        {
            return "chromeos"u8;
        }

        return ua.IndexOf("Linux"u8) >= 0 ? "linux"u8 : "other"u8;
    }

    /// <summary>The browser family: edge, opera, samsung, uc, maxthon, sogou, firefox, chrome, ie, safari or other.</summary>
    public static ReadOnlySpan<byte> BrowserFamily(ReadOnlySpan<byte> ua)
    {
        // Most specific first: Edge and Opera UAs also say Chrome; Chrome UAs also say Safari.
        if (ua.IndexOf("Edg/"u8) >= 0 || ua.IndexOf("Edge/"u8) >= 0 || ua.IndexOf("EdgA/"u8) >= 0 || ua.IndexOf("EdgiOS/"u8) >= 0)
        {
            return "edge"u8;
        }

        if (ua.IndexOf("OPR/"u8) >= 0 || ua.IndexOf("Opera"u8) >= 0)
        {
            return "opera"u8;
        }

        if (ua.IndexOf("SamsungBrowser"u8) >= 0)
        {
            return "samsung"u8;
        }

        if (ua.IndexOf("UCBrowser"u8) >= 0 || ua.IndexOf("UCWEB"u8) >= 0)
        {
            return "uc"u8;
        }

        if (ua.IndexOf("Maxthon"u8) >= 0)
        {
            return "maxthon"u8;
        }

        if (ua.IndexOf("MetaSr"u8) >= 0 || ua.IndexOf("Sogou"u8) >= 0)
        {
            return "sogou"u8;
        }

        if (ua.IndexOf("Firefox/"u8) >= 0 || ua.IndexOf("FxiOS/"u8) >= 0)
        {
            return "firefox"u8;
        }

        if (ua.IndexOf("MSIE"u8) >= 0 || ua.IndexOf("Trident/"u8) >= 0)
        {
            return "ie"u8;
        }

        if (ua.IndexOf("Chrome/"u8) >= 0 || ua.IndexOf("CriOS/"u8) >= 0 || ua.IndexOf("Chromium/"u8) >= 0)
        {
            return "chrome"u8;
        }

        return ua.IndexOf("Safari/"u8) >= 0 ? "safari"u8 : "other"u8;
    }
}
