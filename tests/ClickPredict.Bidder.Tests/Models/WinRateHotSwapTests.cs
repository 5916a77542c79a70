using System.Net;
using System.Text.Json;
using ClickPredict.Bidder.Shading;
using ClickPredict.Bidder.Tests.Bidding;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Models;

/// <summary>The win-rate model from its registry: loaded, hot-swapped, a corrupt file refused while the old one keeps serving, all on /status.json.</summary>
public sealed class WinRateHotSwapTests : IDisposable
{
    private readonly BidderFactory _factory = new();
    private readonly string _registryPath;

    public WinRateHotSwapTests()
    {
        _registryPath = Path.Combine(_factory.Directory, "winrate");
        _factory.Settings["Shading:RegistryPath"] = _registryPath;
        // Only the test's CheckNow calls read the registry: a background poll could load a version between its
        // publication and the test damaging its file (seen on CI: the second version served before it was corrupted).
        _factory.Settings["Registry:PollIntervalMs"] = "600000";
        _factory.Publish(TestModels.Create(seed: 1));
    }

    public void Dispose() => _factory.Dispose();

    private async Task<JsonElement> WinRateStatus()
    {
        using var response = await _factory.Client.GetAsync("/status.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Json()).GetProperty("winRate");
    }

    private async Task<string> FirstPricePricing()
    {
        var bid = await _factory.Client.BidOn(SimBodies.One(r => r["at"] = 1, seed: 71));
        return bid.GetProperty("price").GetDecimal() > 0 ? "bid" : "none";
    }

    [Fact]
    public async Task WinRateModel_PublishedThenCorrupt_IsSwappedInThenRefusedWhileTheOldKeepsServing()
    {
        var status = await WinRateStatus();
        Assert.Equal(("Model", "fixed", JsonValueKind.Undefined), (status.GetProperty("pricing").GetString(), status.GetProperty("pricedBy").GetString(), status.TryGetProperty("label", out var none) ? none.ValueKind : JsonValueKind.Undefined));

        var registry = new ModelRegistry(_registryPath);
        var first = registry.PublishWinRate(FirstPriceShadingTests.Model(), "test");
        var watcher = _factory.Services.GetRequiredService<WinRateWatcher>();
        Assert.True(watcher.CheckNow());
        var holder = _factory.Services.GetRequiredService<WinRateHolder>();
        Assert.Equal(2_000, holder.Current!.Info.Observations);
        status = await WinRateStatus();
        Assert.Equal((first.Label, "model", 2_000L), (status.GetProperty("label").GetString(), status.GetProperty("pricedBy").GetString(), status.GetProperty("observations").GetInt64()));
        Assert.Equal("sim", status.GetProperty("exchanges")[0].GetProperty("name").GetString());
        Assert.Equal("bid", await FirstPricePricing());

        // The next version's file is damaged on disk: refused, counted, and the first keeps serving.
        var second = registry.PublishWinRate(FirstPriceShadingTests.Model(outcomes: 3_000), "test");
        var path = registry.PathOf(second);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[^20] ^= 0x5a;
        await File.WriteAllBytesAsync(path, bytes);
        Assert.False(watcher.CheckNow());
        Assert.Equal(2_000, holder.Current!.Info.Observations);
        status = await WinRateStatus();
        Assert.Equal((first.Label, 1L), (status.GetProperty("label").GetString(), status.GetProperty("refused").GetInt64()));
        Assert.Contains(second.Label, status.GetProperty("lastRefusal").GetString(), StringComparison.Ordinal);

        // A good third version goes in.
        var third = registry.PublishWinRate(FirstPriceShadingTests.Model(outcomes: 2_500), "test");
        Assert.True(watcher.CheckNow());
        Assert.Equal((third.Label, 2_500L), ((await WinRateStatus()).GetProperty("label").GetString(), holder.Current!.Info.Observations));
        Assert.Equal(second.Label, third.Parent);
    }

    [Fact]
    public async Task StatusPage_HasTheShadingSection()
    {
        var html = await _factory.Client.GetStringAsync("/");
        Assert.Contains("id=\"shading\"", html, StringComparison.Ordinal);
        Assert.Contains("renderShading(view)", html, StringComparison.Ordinal);
    }
}
