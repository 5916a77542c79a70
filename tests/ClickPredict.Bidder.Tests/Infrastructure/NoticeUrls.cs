using System.Net;
using System.Text.Json;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>Follows the URLs of a bid the way an exchange and a browser would, against the test server.</summary>
public static class NoticeUrls
{
    /// <summary>The path and query of one of our absolute URLs (the server under test listens elsewhere than PublicBaseUrl).</summary>
    public static string Local(string url) => new Uri(url).PathAndQuery;

    /// <summary>The nurl with the clearing price (and, when given, the minimum bid to win) substituted, as the exchange calls it.</summary>
    public static string Win(JsonElement bid, decimal clearingPrice, string? minToWin = null)
    {
        var url = bid.GetProperty("nurl").GetString()!.Replace("${AUCTION_PRICE}", clearingPrice.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        return Local(minToWin is null ? url : url.Replace("${AUCTION_MIN_TO_WIN}", minToWin, StringComparison.Ordinal));
    }

    public static string Bill(JsonElement bid, decimal clearingPrice) =>
        Local(bid.GetProperty("burl").GetString()!.Replace("${AUCTION_PRICE}", clearingPrice.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    /// <summary>The click URL in the markup, HTML-decoded as a browser reads the href.</summary>
    public static string Click(JsonElement bid)
    {
        var adm = bid.GetProperty("adm").GetString()!;
        var start = adm.IndexOf("href=\"", StringComparison.Ordinal) + 6;
        var end = adm.IndexOf('"', start);
        return Local(WebUtility.HtmlDecode(adm[start..end]));
    }

    /// <summary>The lurl with the loss reason and minimum bid to win substituted (empty: as an exchange that does not fill them).</summary>
    public static string Loss(JsonElement bid, string reason = "102", string minToWin = "") =>
        Local(bid.GetProperty("lurl").GetString()!
            .Replace("${AUCTION_LOSS}", reason, StringComparison.Ordinal)
            .Replace("${AUCTION_MIN_TO_WIN}", minToWin, StringComparison.Ordinal));

    /// <summary><paramref name="pathAndQuery"/> with query parameter <paramref name="field"/> set to <paramref name="value"/>.</summary>
    public static string WithField(string pathAndQuery, string field, string value)
    {
        var question = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var parts = pathAndQuery[(question + 1)..].Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].StartsWith(field + "=", StringComparison.Ordinal))
            {
                parts[i] = field + "=" + value;
            }
        }

        return pathAndQuery[..(question + 1)] + string.Join('&', parts);
    }
}
