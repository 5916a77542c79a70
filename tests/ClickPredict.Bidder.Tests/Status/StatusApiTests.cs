using System.Net;
using System.Text.Json;
using ClickPredict.Bidder.Status;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Status;

public sealed class StatusApiTests : IClassFixture<BidderFixture>
{
    private readonly BidderFixture _fixture;
    private readonly HttpClient _client;

    public StatusApiTests(BidderFixture fixture)
    {
        _fixture = fixture;
        _client = fixture.Client;
    }

    [Fact]
    public async Task StatusPage_IsSelfContainedHtml()
    {
        using var response = await _client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("status.json", html);
        Assert.Contains("id=\"chart-logloss\"", html);
        // Nothing fetched from elsewhere: no external scripts, styles or fonts.
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("@import", html);
    }

    [Fact]
    public async Task StatusJson_ShowsTrafficLiveLogLossAndDecisions()
    {
        var registry = new ModelRegistry(_fixture.Factory.RegistryPath);
        registry.RecordDecision(new RegistryDecision { AtUtc = BidderFactory.StartTime, Decision = "skip", Reasons = ["candidate did not beat the champion by 0.5%"], CandidateLogLoss = 0.3, ChampionLogLoss = 0.29 });

        // Traffic: bids, their wins and some clicks, through the real endpoints.
        var sim = new TrafficSimulator(new SimulatorOptions { Seed = 31 });
        var won = 0;
        var clicked = 0;
        for (var i = 0; i < 60; i++)
        {
            using var response = await _client.PostBid(sim.Next().ToJson());
            if (response.StatusCode != HttpStatusCode.OK)
            {
                continue;
            }

            var bid = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0];
            using (var win = await _client.GetAsync(NoticeUrls.Win(bid, 0.01m)))
            {
                Assert.Equal(HttpStatusCode.NoContent, win.StatusCode);
            }

            won++;
            if (won % 3 == 0)
            {
                using var click = await _client.GetAsync(NoticeUrls.Click(bid));
                Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
                clicked++;
            }
        }

        Assert.True(won > 10, $"only {won} bids won");

        // Once the click window has passed, the impressions are scored.
        var status = _fixture.Factory.Services.GetRequiredService<LiveStatus>();
        _fixture.Factory.Clock.Advance(TimeSpan.FromSeconds(301));
        status.LabelDue();
        _fixture.Factory.Clock.Advance(TimeSpan.FromSeconds(-301));

        using var json = await _client.GetAsync("/status.json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var view = await json.Json();
        Assert.Equal(_fixture.Model.Info.Label, view.GetProperty("model").GetProperty("serving").GetProperty("label").GetString());
        var series = view.GetProperty("series").EnumerateArray().ToList();
        Assert.True(series.Sum(p => p.GetProperty("requests").GetInt64()) >= 60);
        Assert.Equal(won, series.Sum(p => p.GetProperty("impressions").GetInt64()));
        Assert.Equal(clicked, series.Sum(p => p.GetProperty("clicks").GetInt64()));
        var scored = series.Where(p => p.TryGetProperty("logLoss", out _)).ToList();
        Assert.NotEmpty(scored);
        Assert.All(scored, p => Assert.InRange(p.GetProperty("logLoss").GetDouble(), 0.0, 10.0));
        var decision = view.GetProperty("decisions").EnumerateArray().First();
        Assert.Equal("skip", decision.GetProperty("decision").GetString());
        Assert.Contains("did not beat", decision.GetProperty("reasons")[0].GetString());
        Assert.NotEmpty(view.GetProperty("publishes").EnumerateArray());
    }

    [Fact]
    public async Task StatusJson_IsNotCached()
    {
        using var response = await _client.GetAsync("/status.json");
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal(JsonValueKind.Array, (await response.Json()).GetProperty("series").ValueKind);
    }
}
