using System.Net;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ClickPredict.Bidder.Tests.Notices;

public sealed class NoticeTests(BidderFixture fixture) : IClassFixture<BidderFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private MetricCollector<long> NoticeCounter() => new(
        fixture.Factory.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), BidderMetrics.MeterName, "clickpredict.bidder.notices");

    private static IEnumerable<(string Kind, string Outcome)> Outcomes(MetricCollector<long> collector) =>
        collector.GetMeasurementSnapshot().Select(m => ((string)m.Tags["kind"]!, (string)m.Tags["outcome"]!));

    [Fact]
    public async Task Win_Valid_IsAcceptedOnceAndChargesTheCampaign()
    {
        using var notices = NoticeCounter();
        var bid = await _client.BidOn(SimBodies.One(seed: 31));
        var ledger = fixture.Factory.Services.GetRequiredService<BudgetLedger>();
        var campaign = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == bid.GetProperty("cid").GetString());
        var served = fixture.Factory.Services.GetRequiredService<CampaignCatalog>().Campaigns[campaign.Index];
        var before = ledger.SpentToday(served);
        var clearing = decimal.Round(bid.GetProperty("price").GetDecimal() * 0.6m, 4);

        using var win = await _client.GetAsync(NoticeUrls.Win(bid, clearing));
        Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
        Assert.Equal(before + (clearing / 1000m), ledger.SpentToday(served));

        using var replay = await _client.GetAsync(NoticeUrls.Win(bid, clearing));
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal("replayed_notice", (await replay.Json()).GetProperty("error").GetString());
        Assert.Equal(before + (clearing / 1000m), ledger.SpentToday(served));

        // The billing notice of an impression the win notice already booked: acknowledged, not charged again.
        using var bill = await _client.GetAsync(NoticeUrls.Bill(bid, clearing));
        Assert.Equal(HttpStatusCode.NoContent, bill.StatusCode);
        Assert.Equal(before + (clearing / 1000m), ledger.SpentToday(served));

        Assert.Equal(new[] { ("win", "accepted"), ("win", "replayed"), ("bill", "duplicate") }, Outcomes(notices).ToArray());
    }

    [Fact]
    public async Task Bill_BeforeWin_BooksTheImpressionOnce()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 32));
        var ledger = fixture.Factory.Services.GetRequiredService<BudgetLedger>();
        var served = fixture.Factory.Services.GetRequiredService<CampaignCatalog>().Campaigns.Single(c => c.Id == bid.GetProperty("cid").GetString());
        var before = ledger.SpentToday(served);
        using var bill = await _client.PostAsync(NoticeUrls.Bill(bid, 1.5m), null);
        using var win = await _client.PostAsync(NoticeUrls.Win(bid, 1.5m), null);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (bill.StatusCode, win.StatusCode));
        Assert.Equal(before + 0.0015m, ledger.SpentToday(served));
    }

    [Theory]
    [InlineData("b", "00000000000000000000000000000001")]
    [InlineData("cr", "cr-garden-300x250")]
    [InlineData("t", "1")]
    [InlineData("p", "99.9")]
    [InlineData("cu", "EUR")]
    [InlineData("s", "AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("s", "!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task Win_WithAForgedField_IsRefusedAsForged(string field, string forged)
    {
        using var notices = NoticeCounter();
        var bid = await _client.BidOn(SimBodies.One(r => r["imp"]![0]!["banner"]!["w"] = r["imp"]![0]!["banner"]!["w"]!.GetValue<int>(), seed: 33));
        var url = NoticeUrls.Win(bid, 0.1m);
        var tampered = Replace(url, field, forged);
        Assert.NotEqual(url, tampered);

        using var response = await _client.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("forged_notice", (await response.Json()).GetProperty("error").GetString());
        Assert.Equal(("win", "forged"), Outcomes(notices).Single());

        // The genuine notice still goes through afterwards: a forgery does not burn the bid.
        using var genuine = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NoContent, genuine.StatusCode);
    }

    [Fact]
    public async Task Win_ClickUrlSignaturePassedAsWin_IsRefusedAsForged()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 34));
        var click = NoticeUrls.Click(bid);
        var clickSignature = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + click).Query)["s"]!;
        using var response = await _client.GetAsync(Replace(NoticeUrls.Win(bid, 0.1m), "s", clickSignature));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("${AUCTION_PRICE}")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1000")]
    public async Task Win_WithoutAUsableClearingPrice_IsRefusedAsInvalid(string price)
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 35));
        var url = NoticeUrls.Local(bid.GetProperty("nurl").GetString()!).Replace("${AUCTION_PRICE}", Uri.EscapeDataString(price), StringComparison.Ordinal);
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Json();
        Assert.Equal("invalid_notice", error.GetProperty("error").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("/win")]
    [InlineData("/win?b=zz&cr=cr-garden-300x250&t=1&s=AAAAAAAAAAAAAAAAAAAAAA&price=1")]
    [InlineData("/win?b=00000000000000000000000000000001&cr=nope&t=1&s=AAAAAAAAAAAAAAAAAAAAAA&price=1")]
    [InlineData("/click?b=00000000000000000000000000000001&cr=cr-garden-300x250&t=x&s=AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/bill?b=00000000000000000000000000000001&b=00000000000000000000000000000002&cr=cr-garden-300x250&t=1&s=AAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Notice_Malformed_IsRefusedAsInvalid(string url)
    {
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_notice", (await response.Json()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Win_LaterThanTheMaximumAge_IsRefusedAsExpired()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 36));
        fixture.Factory.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            using var response = await _client.GetAsync(NoticeUrls.Win(bid, 0.5m));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("expired_notice", (await response.Json()).GetProperty("error").GetString());
        }
        finally
        {
            fixture.Factory.Clock.Now = BidderFactory.StartTime;
        }
    }

    [Fact]
    public async Task Click_Valid_RedirectsToTheLandingPageAndCountsOnce()
    {
        using var notices = NoticeCounter();
        var bid = await _client.BidOn(SimBodies.One(seed: 37));
        var landing = ExpectedBids.ShippedCatalog.CreativesById[bid.GetProperty("crid").GetString()!].LandingPage;

        using var first = await _client.GetAsync(NoticeUrls.Click(bid));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(new Uri(landing), first.Headers.Location);

        // A double click still lands, but is not a second click.
        using var second = await _client.GetAsync(NoticeUrls.Click(bid));
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(new[] { ("click", "accepted"), ("click", "replayed") }, Outcomes(notices).ToArray());
    }

    [Fact]
    public async Task Click_Forged_IsRefusedAndDoesNotRedirect()
    {
        var bid = await _client.BidOn(SimBodies.One(seed: 38));
        var click = NoticeUrls.Click(bid);
        using var forged = await _client.GetAsync(Replace(click, "cr", "cr-garden-728x90"));
        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Null(forged.Headers.Location);
        Assert.Equal("forged_notice", (await forged.Json()).GetProperty("error").GetString());
    }

    private static string Replace(string pathAndQuery, string field, string value) => NoticeUrls.WithField(pathAndQuery, field, value);
}
