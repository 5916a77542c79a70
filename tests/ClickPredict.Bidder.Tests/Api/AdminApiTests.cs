using System.Net;
using System.Net.Http.Headers;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Api;

public sealed class AdminApiTests : IDisposable
{
    private readonly BidderFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token-0123456789")]
    [InlineData("Bearer " + BidderFactory.AdminToken + "x")]
    [InlineData("Basic " + BidderFactory.AdminToken)]
    public async Task Admin_WithoutTheToken_Is401(string? authorization)
    {
        _factory.Publish(TestModels.Create(seed: 80));
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/admin/model"), (HttpMethod.Post, "/admin/model/rollback") })
        {
            using var request = new HttpRequestMessage(method, path);
            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            using var response = await _factory.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("unauthorized", (await response.Json()).GetProperty("error").GetString());
        }

        Assert.Equal("ctr-test@1", _factory.Services.GetRequiredService<ModelHolder>().Current!.Label);
    }

    [Fact]
    public async Task Admin_WithoutAConfiguredToken_IsOff()
    {
        _factory.Settings["Admin:Token"] = null;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/model");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything-at-all-here");
        using var response = await _factory.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("admin_disabled", (await response.Json()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task GetModel_ShowsTheServingModelAndItsLineage()
    {
        _factory.Publish(TestModels.Create(seed: 81));
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        _factory.Publish(TestModels.Create(seed: 82));
        await WaitFor(holder, "ctr-test@2");

        var view = await Get("/admin/model", HttpMethod.Get);
        var serving = view.GetProperty("serving");
        Assert.Equal("ctr-test@2", serving.GetProperty("label").GetString());
        Assert.Equal("registry", serving.GetProperty("source").GetString());
        Assert.Equal("ctr-test@1", serving.GetProperty("parent").GetString());
        Assert.Equal(TestModels.Spec.FingerprintHex, serving.GetProperty("specFingerprint").GetString());
        Assert.Equal("ctr-test@2", view.GetProperty("registry").GetProperty("champion").GetString());
        Assert.Equal(new[] { "ctr-test@2", "ctr-test@1" }, view.GetProperty("lineage").EnumerateArray().Select(e => e.GetProperty("label").GetString()).ToArray());
        Assert.Equal(new[] { "ctr-test@1" }, view.GetProperty("previous").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal(0, view.GetProperty("refused").GetInt64());
    }

    [Fact]
    public async Task Rollback_ReturnsToThePreviousModel_ThenHasNoneLeft()
    {
        _factory.Publish(TestModels.Create(seed: 83));
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        _factory.Publish(TestModels.Create(seed: 84));
        await WaitFor(holder, "ctr-test@2");

        var view = await Get("/admin/model/rollback", HttpMethod.Post);
        Assert.Equal("ctr-test@1", view.GetProperty("serving").GetProperty("label").GetString());
        using (var bid = await _factory.Client.PostBid(SimBodies.One()))
        {
            Assert.Equal("ctr-test@1", bid.Headers.GetValues("x-model-version").Single());
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/model/rollback");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BidderFactory.AdminToken);
        using var none = await _factory.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);
        Assert.Equal("no_previous_model", (await none.Json()).GetProperty("error").GetString());

        // The rollback holds until the registry names a new champion.
        _factory.Publish(TestModels.Create(seed: 85));
        await WaitFor(holder, "ctr-test@3");
    }

    private async Task<System.Text.Json.JsonElement> Get(string path, HttpMethod method)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BidderFactory.AdminToken);
        using var response = await _factory.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    private static async Task WaitFor(ModelHolder holder, string label)
    {
        for (var i = 0; i < 600 && holder.Current?.Label != label; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(label, holder.Current?.Label);
    }
}
