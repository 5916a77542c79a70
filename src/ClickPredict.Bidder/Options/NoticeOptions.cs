namespace ClickPredict.Bidder.Options;

/// <summary>Win, billing and click notices: config section <c>Notices</c>.</summary>
public sealed class NoticeOptions
{
    public const string SectionName = "Notices";

    /// <summary>
    /// <c>Notices:HmacKey</c>: the secret that signs notice and click URLs (HMAC-SHA256), at least 32
    /// characters. Every bidder behind one exchange seat shares it; set it from the environment
    /// (<c>Notices__HmacKey</c>) outside development.
    /// </summary>
    public string HmacKey { get; set; } = string.Empty;

    /// <summary><c>Notices:WinMaxAgeSeconds</c>: win and billing notices later than this after the bid are refused. Default 3600.</summary>
    public int WinMaxAgeSeconds { get; set; } = 3600;

    /// <summary><c>Notices:ClickMaxAgeSeconds</c>: clicks later than this after the bid are not logged. Default 86400.</summary>
    public int ClickMaxAgeSeconds { get; set; } = 86400;
}
