using System.Net;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ClickPredict.Bidder.Tests.Notices;

/// <summary>Loss notices (<c>lurl</c>): signed like the win notice, logged once, refused when forged, expired or contradicted.</summary>
public sealed class LossNoticeTests(BidderFixture fixture) : IClassFixture<BidderFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private MetricCollector<long> Counter(string name) => new(
        fixture.Factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, name);

    private static (string, string)[] Tags(MetricCollector<long> collector, string first, string second) =>
        [.. collector.GetMeasurementSnapshot().Select(m => ((string)m.Tags[first]!, (string)m.Tags[second]!))];

    [Fact]
    public async Task Bid_CarriesASignedLossUrlWithTheLossMacros()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 61));
        var lurl = bid.GetProperty("lurl").GetString()!;
        Assert.StartsWith("http://127.0.0.1:5080/loss?cr=" + bid.GetProperty("crid").GetString() + "&b=" + bid.GetProperty("id").GetString(), lurl, StringComparison.Ordinal);
        Assert.EndsWith("&loss=${AUCTION_LOSS}&mtw=${AUCTION_MIN_TO_WIN}", lurl, StringComparison.Ordinal);
        Assert.EndsWith("&price=${AUCTION_PRICE}&mtw=${AUCTION_MIN_TO_WIN}", bid.GetProperty("nurl").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("&price=${AUCTION_PRICE}&mtw=${AUCTION_MIN_TO_WIN}", bid.GetProperty("burl").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loss_Valid_IsAcceptedAndLoggedOnceAndChargesNothing()
    {
        using var notices = Counter("clickpredict.bidder.notices");
        using var events = Counter("clickpredict.bidder.events");
        var bid = await _client.BidOn(SimBodies.One(seed: 62));
        var ledger = fixture.Factory.Services.GetRequiredService<ClickPredict.Bidder.Campaigns.BudgetLedger>();
        var served = fixture.Factory.Services.GetRequiredService<ClickPredict.Bidder.Campaigns.CampaignCatalog>().Campaigns.Single(c => c.Id == bid.GetProperty("cid").GetString());
        var before = ledger.SpentToday(served);

        using var loss = await _client.GetAsync(NoticeUrls.Loss(bid, "102", "2.5"));
        Assert.Equal(HttpStatusCode.NoContent, loss.StatusCode);
        using var replay = await _client.PostAsync(NoticeUrls.Loss(bid, "102", "2.5"), null);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal("replayed_notice", (await replay.Json()).GetProperty("error").GetString());

        Assert.Equal(before, ledger.SpentToday(served));
        Assert.Equal([("loss", "accepted"), ("loss", "replayed")], Tags(notices, "kind", "outcome"));
        Assert.Equal([("losses", "queued")], Tags(events, "topic", "outcome").Where(t => t.Item1 == "losses"));
    }

    [Theory]
    [InlineData("b", "00000000000000000000000000000001")]
    [InlineData("cr", "cr-garden-300x250")]
    [InlineData("t", "1")]
    [InlineData("p", "99.9")]
    [InlineData("cu", "EUR")]
    [InlineData("s", "AAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Loss_WithAForgedField_IsRefusedAsForgedAndLogsNothing(string field, string forged)
    {
        using var events = Counter("clickpredict.bidder.events");
        var bid = await _client.BidOn(SimBodies.One(seed: 63));
        var url = NoticeUrls.Loss(bid);
        var tampered = NoticeUrls.WithField(url, field, forged);
        Assert.NotEqual(url, tampered);

        using var response = await _client.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forged_notice", (await response.Json()).GetProperty("error").GetString());
        Assert.DoesNotContain(Tags(events, "topic", "outcome"), t => t.Item1 == "losses");

        // The genuine notice still counts afterwards.
        using var genuine = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NoContent, genuine.StatusCode);
    }

    [Fact]
    public async Task Loss_SharesTheNoticeSignature_AndAClickSignaturePassedAsLoss_IsRefusedAsForged()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 64));
        static string SignatureOf(string pathAndQuery) => System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + pathAndQuery).Query)["s"]!;

        // One HMAC per bid signs its win, billing and loss URLs (they go to the exchange together).
        var lossSignature = SignatureOf(NoticeUrls.Loss(bid));
        Assert.Equal(lossSignature, SignatureOf(NoticeUrls.Win(bid, 0.1m)));
        Assert.Equal(lossSignature, SignatureOf(NoticeUrls.Bill(bid, 0.1m)));

        // The click URL, readable in the markup, has its own: it passes for no loss notice.
        var clickSignature = SignatureOf(NoticeUrls.Click(bid));
        Assert.NotEqual(lossSignature, clickSignature);
        using var response = await _client.GetAsync(NoticeUrls.WithField(NoticeUrls.Loss(bid), "s", clickSignature));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Loss_AfterTheWin_IsRefusedAsConflicting()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 65));
        using var win = await _client.GetAsync(NoticeUrls.Win(bid, 0.2m));
        Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        using var loss = await _client.GetAsync(NoticeUrls.Loss(bid));
        Assert.Equal(HttpStatusCode.Conflict, loss.StatusCode);
        Assert.Equal("conflicting_notice", (await loss.Json()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Loss_LaterThanTheMaximumAge_IsRefusedAsExpired()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 66));
        fixture.Factory.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            using var response = await _client.GetAsync(NoticeUrls.Loss(bid));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("expired_notice", (await response.Json()).GetProperty("error").GetString());
        }
        finally
        {
            fixture.Factory.Clock.Now = BidderFactory.StartTime;
        }
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("${AUCTION_LOSS}", "${AUCTION_MIN_TO_WIN}")]
    [InlineData("100", "")]
    public async Task Loss_WithoutReasonOrMinimumBid_IsAccepted(string reason, string minToWin)
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 67));
        using var response = await _client.GetAsync(NoticeUrls.Loss(bid, reason, minToWin));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("abc", "")]
    [InlineData("-1", "")]
    [InlineData("102", "x")]
    [InlineData("102", "-2")]
    public async Task Loss_WithAnUnreadableReasonOrMinimumBid_IsRefusedAsInvalid(string reason, string minToWin)
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 68));
        using var response = await _client.GetAsync(NoticeUrls.Loss(bid, Uri.EscapeDataString(reason), Uri.EscapeDataString(minToWin)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Json();
        Assert.Equal("invalid_notice", error.GetProperty("error").GetString());
        Assert.Contains(minToWin.Length > 0 ? "mtw" : "loss", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
