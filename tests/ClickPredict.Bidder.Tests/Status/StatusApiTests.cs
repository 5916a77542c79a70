using System.Net;
using System.Text.Json;
using ClickPredict.Bidder.Status;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Simulation;
using ClickPredict.Testing;
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
        var before = Totals(await GetStatus());

        var (requests, won, clicked) = await DriveTrafficAndLabel(seed: 31);

        var view = await GetStatus();
        var after = Totals(view);
        Assert.Equal(requests, after.Requests - before.Requests);
        Assert.Equal(won, after.Impressions - before.Impressions);
        Assert.Equal(clicked, after.Clicks - before.Clicks);
        Assert.Equal(_fixture.Model.Info.Label, view.GetProperty("model").GetProperty("serving").GetProperty("label").GetString());
        var scored = view.GetProperty("series").EnumerateArray().Where(p => p.TryGetProperty("logLoss", out _)).ToList();
        Assert.NotEmpty(scored);
        Assert.All(scored, p => Assert.InRange(p.GetProperty("logLoss").GetDouble(), 0.0, 10.0));
        var decision = view.GetProperty("decisions").EnumerateArray().First();
        Assert.Equal("skip", decision.GetProperty("decision").GetString());
        Assert.Contains("did not beat", decision.GetProperty("reasons")[0].GetString());
        Assert.NotEmpty(view.GetProperty("publishes").EnumerateArray());
    }

    /// <summary>Bids through the real endpoint, wins every bid and clicks every third, then lets the click window pass.</summary>
    private async Task<(int Requests, int Won, int Clicked)> DriveTrafficAndLabel(int seed)
    {
        var sim = new TrafficSimulator(new SimulatorOptions { Seed = seed });
        int won = 0, clicked = 0;
        const int Requests = 60;
        for (var i = 0; i < Requests; i++)
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
        return (Requests, won, clicked);
    }

    private async Task<JsonElement> GetStatus()
    {
        using var response = await _client.GetAsync("/status.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    private static (long Requests, long Impressions, long Clicks) Totals(JsonElement view)
    {
        var series = view.GetProperty("series").EnumerateArray().ToList();
        return (series.Sum(p => p.GetProperty("requests").GetInt64()), series.Sum(p => p.GetProperty("impressions").GetInt64()), series.Sum(p => p.GetProperty("clicks").GetInt64()));
    }

    [Fact]
    public async Task StatusPage_RendersItsChartsWithData_InHeadlessChromium()
    {
        new ModelRegistry(_fixture.Factory.RegistryPath).RecordDecision(new RegistryDecision { AtUtc = BidderFactory.StartTime, Decision = "skip", Reasons = ["candidate did not beat the champion by 0.5%"] });
        await DriveTrafficAndLabel(seed: 32);

        var dom = HeadlessChromium.DumpDom(new Uri(_fixture.Factory.BaseAddress, "/").AbsoluteUri);

        Assert.Contains("data-updated=", dom);
        foreach (var chart in new[] { "chart-logloss", "chart-calibration", "chart-qps", "chart-latency" })
        {
            var points = ChartPoints(dom, chart);
            Assert.True(points > 0, $"{chart} drew no points");
        }

        // The served model is named, and the policy's decision is listed with its reason.
        Assert.Contains(_fixture.Model.Info.Label, dom);
        Assert.Contains("did not beat the champion", dom);

        // The live calibration section is drawn from /status.json (no calibration published here: the model serves as it is).
        Assert.Contains("swapped in / refused", dom);
        Assert.Contains("none: the model's own pCTRs", dom);
    }

    /// <summary>The data-points count the page's chart code set on an SVG (-1 when the chart never rendered).</summary>
    private static int ChartPoints(string dom, string id)
    {
        var at = dom.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no element {id}");
        var tagEnd = dom.IndexOf('>', at);
        var tag = dom[dom.LastIndexOf('<', at)..tagEnd];
        var match = System.Text.RegularExpressions.Regex.Match(tag, "data-points=\"(\\d+)\"");
        return tag.Contains("data-rendered=\"true\"", StringComparison.Ordinal) && match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    [Fact]
    public async Task StatusJson_IsNotCached()
    {
        using var response = await _client.GetAsync("/status.json");
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal(JsonValueKind.Array, (await response.Json()).GetProperty("series").ValueKind);
    }
}
