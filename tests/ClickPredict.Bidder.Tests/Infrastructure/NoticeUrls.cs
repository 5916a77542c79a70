using System.Net;
using System.Text.Json;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>Follows the URLs of a bid the way an exchange and a browser would, against the test server.</summary>
public static class NoticeUrls
{
    /// <summary>The path and query of one of our absolute URLs (the server under test listens elsewhere than PublicBaseUrl).</summary>
    public static string Local(string url) => new Uri(url).PathAndQuery;

    /// <summary>The nurl with the clearing price substituted, as the exchange calls it.</summary>
    public static string Win(JsonElement bid, decimal clearingPrice) =>
        Local(bid.GetProperty("nurl").GetString()!.Replace("${AUCTION_PRICE}", clearingPrice.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

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
}
