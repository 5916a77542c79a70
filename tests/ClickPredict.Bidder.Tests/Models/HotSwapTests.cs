using System.Collections.Concurrent;
using System.Net;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Models;

public sealed class HotSwapTests : IDisposable
{
    private readonly BidderFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task HotSwap_TenModelsUnderLoad_NoRequestFailsAndEachIsScoredByExactlyOneModel()
    {
        var models = new ConcurrentDictionary<string, LogisticModel>(StringComparer.Ordinal);
        var registry = new ModelRegistry(_factory.RegistryPath);
        var first = registry.Publish(TestModels.Create(seed: 100, modelId: "ctr-swap"), "initial");
        models[first.Label] = ModelFile.Load(registry.PathOf(first));
        var client = _factory.Client;
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        Assert.Equal(first.Label, holder.Current!.Label);

        var bodies = SimBodies.Json(40, seed: 61);
        var results = new ConcurrentQueue<(int Body, HttpStatusCode Status, string? Version, string? Crid, decimal Price)>();
        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            // Bounded, and stopped by the test once the swaps are done.
            for (var i = w; i < 200_000 && !stop.IsCancellationRequested; i += 3)
            {
                var index = i % bodies.Count;
                try
                {
                    using var response = await client.PostBid(bodies[index]);
                    var version = response.Headers.TryGetValues("x-model-version", out var v) ? v.Single() : null;
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        var bid = (await response.Json()).GetProperty("seatbid")[0].GetProperty("bid")[0];
                        results.Enqueue((index, response.StatusCode, version, bid.GetProperty("crid").GetString(), bid.GetProperty("price").GetDecimal()));
                    }
                    else
                    {
                        results.Enqueue((index, response.StatusCode, version, null, 0));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or IOException)
                {
                    failures.Enqueue(e.Message);
                }
            }
        })).ToArray();

        // The first model serves traffic before it is swapped out, like each one after it.
        await WaitUntil(() => results.Count(r => r.Version == first.Label) >= 25);
        string? corruptLabel = null;
        for (var k = 1; k <= 10; k++)
        {
            if (k == 6)
            {
                corruptLabel = PublishCorrupt(registry, holder);
            }

            var entry = registry.Publish(TestModels.Create(seed: 100 + k, modelId: "ctr-swap"), $"swap {k}");
            models[entry.Label] = ModelFile.Load(registry.PathOf(entry));
            await WaitUntil(() => holder.Current!.Label == entry.Label);
            var seen = results.Count;
            await WaitUntil(() => results.Count(r => r.Version == entry.Label) >= 25 || results.Count - seen > 5000);
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.Empty(failures);
        var all = results.ToArray();
        Assert.True(all.Length > 250);
        Assert.All(all, r => Assert.Contains(r.Status, new[] { HttpStatusCode.OK, HttpStatusCode.NoContent }));
        Assert.All(all, r => Assert.True(r.Version is not null && models.ContainsKey(r.Version), $"response scored by '{r.Version}'"));
        Assert.DoesNotContain(all, r => r.Version == corruptLabel);

        // All eleven models served traffic, and each bid is exactly what the model it names gives.
        Assert.True(11 == all.Select(r => r.Version).Distinct().Count(), string.Join(", ", all.GroupBy(r => r.Version).Select(g => $"{g.Key}: {g.Count()} ({g.Count(r => r.Status == HttpStatusCode.OK)} bids)")));
        foreach (var r in all.Where(r => r.Status == HttpStatusCode.OK))
        {
            var expected = ExpectedBids.Best(models[r.Version!], bodies[r.Body], BidderFactory.StartTime);
            Assert.Equal((expected!.Value.CreativeId, expected.Value.Price), (r.Crid!, r.Price));
        }

        Assert.Equal("ctr-swap@12", holder.Current!.Label);
        Assert.Equal(1, holder.Refusals);
        Assert.Contains("checksum", holder.LastRefusal!.Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Watcher_ModelOfAnotherSpecFingerprint_IsRefusedWhenOneIsExpected()
    {
        var registry = new ModelRegistry(_factory.RegistryPath);
        var good = registry.Publish(TestModels.Create(seed: 70), "initial");
        _factory.Settings["Registry:ExpectedSpecFingerprint"] = TestModels.Spec.FingerprintHex;
        _ = _factory.Client;
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        Assert.Equal(good.Label, holder.Current!.Label);

        var other = TestModels.Create(seed: 71);
        var otherSpec = other.Spec.WithCross("geo.region", "creative.id");
        var weights = new float[otherSpec.Size];
        var different = LogisticModel.Create(other.Info, otherSpec, other.Bias, weights);
        registry.Publish(different, "other spec");
        await WaitUntil(() => holder.Refusals == 1);
        Assert.Equal(good.Label, holder.Current!.Label);
        Assert.Contains("fingerprint", holder.LastRefusal!.Reason, StringComparison.Ordinal);
        await _factory.Client.BidOn(SimBodies.One());
    }

    [Fact]
    public async Task Watcher_ModelScoringCanariesOutOfRange_IsRefused()
    {
        var registry = new ModelRegistry(_factory.RegistryPath);
        var good = registry.Publish(TestModels.Create(seed: 72), "initial");
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        _ = _factory.Client;

        // A model that predicts a click nearly every time: canaries' mean pCTR far above the configured band.
        registry.Publish(TestModels.Create(seed: 73, baseCtr: 0.97), "broken calibration");
        await WaitUntil(() => holder.Refusals == 1);
        Assert.Equal(good.Label, holder.Current!.Label);
        Assert.Contains("canary", holder.LastRefusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithoutRegistryChampion_ServesTheDefaultFileAndSwapsToThePublishedChampion()
    {
        ModelFile.Save(TestModels.Create(seed: 74, modelId: "ctr-default"), Path.Combine(_factory.Directory, "default.cpm"));
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        using (var response = await _factory.Client.PostBid(SimBodies.One()))
        {
            Assert.Equal("ctr-default@1", response.Headers.GetValues("x-model-version").Single());
        }

        Assert.Equal(ModelSource.DefaultFile, holder.Current!.Source);
        var published = TestModels.Publish(_factory.RegistryPath, TestModels.Create(seed: 75));
        await WaitUntil(() => holder.Current!.Label == published.Label);
        Assert.Equal(ModelSource.Registry, holder.Current.Source);
    }

    [Fact]
    public async Task Start_WithNoModelAtAll_IsNotReadyAndAnswersNoBidUntilOneIsPublished()
    {
        var client = _factory.Client;
        using (var ready = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var noModel = await client.PostBid(SimBodies.One(), "/openrtb2/nbr200/bid"))
        {
            Assert.Equal(1, (await noModel.Json()).GetProperty("nbr").GetInt32());
        }

        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        TestModels.Publish(_factory.RegistryPath, TestModels.Create(seed: 76));
        await WaitUntil(() => holder.Current is not null);
        using (var ready = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        await client.BidOn(SimBodies.One());
    }

    /// <summary>Publishes a model without making it champion, corrupts its file, then names it champion.</summary>
    private static string PublishCorrupt(ModelRegistry registry, ModelHolder holder)
    {
        var refusalsBefore = holder.Refusals;
        var entry = registry.Publish(TestModels.Create(seed: 999, modelId: "ctr-swap"), "to be corrupted", makeChampion: false);
        var path = registry.PathOf(entry);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
        registry.SetChampion(entry.Label);
        WaitUntil(() => holder.Refusals == refusalsBefore + 1).GetAwaiter().GetResult();
        return entry.Label;
    }

    /// <summary>Waits for the bidder to act on a registry change: bounded, never a timing assertion.</summary>
    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition(), "the bidder did not act on the registry change");
    }
}
