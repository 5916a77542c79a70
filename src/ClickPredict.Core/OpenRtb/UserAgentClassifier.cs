using System.Buffers;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reduces a User-Agent header to an OS family and a browser family by looking for well-known tokens
/// (no regular expressions, no allocation). Families are lower-case words, as iPinYou's normalised
/// <c>os_browser</c> column writes them (<c>android_safari</c>, <c>windows_ie</c>, ...).
/// </summary>
/// <remarks>
/// A family is chosen by which of its tokens the UA contains, in a fixed order of precedence. The
/// header is read once: a vectorised search jumps to each byte that can start a token, the tokens
/// starting with that byte are compared there, and what was found is remembered as flags. That
/// finds exactly the tokens a search per token would (every occurrence starts at such a byte), in
/// one pass instead of one per token; this runs for every bid request.
/// </remarks>
public static class UserAgentClassifier
{
    // First bytes of the browser tokens, and of the OS tokens.
    private static readonly SearchValues<byte> s_browserStarts = SearchValues.Create("EOSUMFTC"u8);
    private static readonly SearchValues<byte> s_osStarts = SearchValues.Create("WAiMCL"u8);

    /// <summary>The OS family: windows_phone, android, ios, windows, mac, chromeos, linux or other.</summary>
    public static ReadOnlySpan<byte> OsFamily(ReadOnlySpan<byte> ua)
    {
        var found = Os.None;
        for (var i = ua.IndexOfAny(s_osStarts); i >= 0; i = Next(ua, i, s_osStarts))
        {
            found |= OsTokenAt(ua[i..]);
        }

        // Order matters: Windows Phone UAs also say "Android"; Android UAs also say "Linux".
        return found switch
        {
            _ when (found & Os.WindowsPhone) != 0 => "windows_phone"u8,
            _ when (found & Os.Android) != 0 => "android"u8,
            _ when (found & Os.Ios) != 0 => "ios"u8,
            _ when (found & Os.Windows) != 0 => "windows"u8,
            _ when (found & Os.Mac) != 0 => "mac"u8,
            _ when (found & Os.ChromeOs) != 0 => "chromeos"u8,
            _ when (found & Os.Linux) != 0 => "linux"u8,
            _ => "other"u8,
        };
    }

    /// <summary>The browser family: edge, opera, samsung, uc, maxthon, sogou, firefox, chrome, ie, safari or other.</summary>
    public static ReadOnlySpan<byte> BrowserFamily(ReadOnlySpan<byte> ua)
    {
        var found = Browser.None;
        for (var i = ua.IndexOfAny(s_browserStarts); i >= 0; i = Next(ua, i, s_browserStarts))
        {
            found |= BrowserTokenAt(ua[i..]);
        }

        // Most specific first: Edge and Opera UAs also say Chrome; Chrome UAs also say Safari.
        return found switch
        {
            _ when (found & Browser.Edge) != 0 => "edge"u8,
            _ when (found & Browser.Opera) != 0 => "opera"u8,
            _ when (found & Browser.Samsung) != 0 => "samsung"u8,
            _ when (found & Browser.Uc) != 0 => "uc"u8,
            _ when (found & Browser.Maxthon) != 0 => "maxthon"u8,
            _ when (found & Browser.Sogou) != 0 => "sogou"u8,
            _ when (found & Browser.Firefox) != 0 => "firefox"u8,
            _ when (found & Browser.Ie) != 0 => "ie"u8,
            _ when (found & Browser.Chrome) != 0 => "chrome"u8,
            _ when (found & Browser.Safari) != 0 => "safari"u8,
            _ => "other"u8,
        };
    }

    /// <summary>The next position after <paramref name="i"/> holding one of <paramref name="starts"/>, or -1.</summary>
    private static int Next(ReadOnlySpan<byte> ua, int i, SearchValues<byte> starts)
    {
        var next = ua[(i + 1)..].IndexOfAny(starts);
        return next < 0 ? -1 : i + 1 + next;
    }

    private static Os OsTokenAt(ReadOnlySpan<byte> at) => at[0] switch
    {
        (byte)'W' => at.StartsWith("Windows Phone"u8) ? Os.WindowsPhone | Os.Windows : at.StartsWith("Windows"u8) ? Os.Windows : Os.None,
        (byte)'A' => at.StartsWith("Android"u8) ? Os.Android : Os.None,
        (byte)'i' => at.StartsWith("iPhone"u8) || at.StartsWith("iPad"u8) || at.StartsWith("iPod"u8) ? Os.Ios : Os.None,
        (byte)'M' => at.StartsWith("Macintosh"u8) || at.StartsWith("Mac OS X"u8) ? Os.Mac : Os.None,
        (byte)'C' => at.StartsWith("CrOS"u8) ? Os.ChromeOs : Os.None,
        (byte)'L' => at.StartsWith("Linux"u8) ? Os.Linux : Os.None,
        _ => Os.None,
    };

    private static Browser BrowserTokenAt(ReadOnlySpan<byte> at) => at[0] switch
    {
        (byte)'E' => at.StartsWith("Edg/"u8) || at.StartsWith("Edge/"u8) || at.StartsWith("EdgA/"u8) || at.StartsWith("EdgiOS/"u8) ? Browser.Edge : Browser.None,
        (byte)'O' => at.StartsWith("OPR/"u8) || at.StartsWith("Opera"u8) ? Browser.Opera : Browser.None,
        (byte)'S' => at.StartsWith("SamsungBrowser"u8) ? Browser.Samsung
            : at.StartsWith("Sogou"u8) ? Browser.Sogou
            : at.StartsWith("Safari/"u8) ? Browser.Safari
            : Browser.None,
        (byte)'U' => at.StartsWith("UCBrowser"u8) || at.StartsWith("UCWEB"u8) ? Browser.Uc : Browser.None,
        (byte)'M' => at.StartsWith("Maxthon"u8) ? Browser.Maxthon
            : at.StartsWith("MetaSr"u8) ? Browser.Sogou
            : at.StartsWith("MSIE"u8) ? Browser.Ie
            : Browser.None,
        (byte)'F' => at.StartsWith("Firefox/"u8) || at.StartsWith("FxiOS/"u8) ? Browser.Firefox : Browser.None,
        (byte)'T' => at.StartsWith("Trident/"u8) ? Browser.Ie : Browser.None,
        (byte)'C' => at.StartsWith("Chrome/"u8) || at.StartsWith("CriOS/"u8) || at.StartsWith("Chromium/"u8) ? Browser.Chrome : Browser.None,
        _ => Browser.None,
    };

    [Flags]
    private enum Os
    {
        None = 0,
        WindowsPhone = 1,
        Android = 2,
        Ios = 4,
        Windows = 8,
        Mac = 16,
        ChromeOs = 32,
        Linux = 64,
    }

    [Flags]
    private enum Browser
    {
        None = 0,
        Edge = 1,
        Opera = 2,
        Samsung = 4,
        Uc = 8,
        Maxthon = 16,
        Sogou = 32,
        Firefox = 64,
        Ie = 128,
        Chrome = 256,
        Safari = 512,
    }
}
