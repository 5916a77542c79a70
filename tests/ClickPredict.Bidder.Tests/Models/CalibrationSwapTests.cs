using System.Text.Json.Nodes;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Models;

public sealed class CalibrationSwapTests : IDisposable
{
    private readonly BidderFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    /// <summary>
    /// A calibration published beside the champion is swapped in without reloading the model (the same model
    /// object serves, no model swap), and the bids are then exactly the model's pCTRs shifted by it; the
    /// status page shows it.
    /// </summary>
    [Fact]
    public async Task PublishedCalibration_IsServedWithoutReloadingTheModel_AndBidsAreShiftedByIt()
    {
        var registry = new ModelRegistry(_factory.RegistryPath);
        var entry = registry.Publish(TestModels.Create(seed: 80, modelId: "ctr-cal"), "initial");
        var model = ModelFile.Load(registry.PathOf(entry));
        var client = _factory.Client;
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        var served = holder.Current!;
        var shift = Math.Log(0.8);
        var body = Bidding(model, shift, seed: 81);
        Assert.Equal(ExpectedBids.Best(model, body, BidderFactory.StartTime)!.Value.Price, Price(await client.BidOn(body)));

        registry.PublishCalibration(new CalibrationShift(FieldSchema.OpenRtb, shift, [], 3, new CalibrationInfo { Model = entry.Label, RecentLogLoss = 0.05 }), "recalibrated");
        await Until.TrueAsync(() => holder.Calibrations.Swaps == 1, () => "the calibration was not swapped in");

        Assert.Same(served, holder.Current);
        Assert.Empty(holder.History);
        var expected = ExpectedBids.Best(model, body, BidderFactory.StartTime, calibrationShift: shift)!.Value;
        Assert.NotEqual(ExpectedBids.Best(model, body, BidderFactory.StartTime)!.Value.Price, expected.Price);
        Assert.Equal(expected.Price, Price(await client.BidOn(body)));

        using var status = await client.GetAsync("/status.json");
        var calibration = JsonNode.Parse(await status.Content.ReadAsStringAsync())!["calibration"]!;
        Assert.True(calibration["serving"]!.GetValue<bool>());
        Assert.Equal(entry.Label, calibration["model"]!.GetValue<string>());
        Assert.Equal(1, calibration["version"]!.GetValue<int>());
        Assert.Equal(shift, calibration["globalShift"]!.GetValue<double>(), 12);
    }

    /// <summary>A corrupt calibration file is refused, counted and reported; the calibration serving stays, and so do the bids.</summary>
    [Fact]
    public async Task CorruptCalibration_IsRefused_AndTheServingOneStays()
    {
        var registry = new ModelRegistry(_factory.RegistryPath);
        var entry = registry.Publish(TestModels.Create(seed: 82, modelId: "ctr-cal"), "initial");
        var model = ModelFile.Load(registry.PathOf(entry));
        var client = _factory.Client;
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        var shift = Math.Log(0.7);
        var (_, published) = registry.PublishCalibration(new CalibrationShift(FieldSchema.OpenRtb, shift, [], 3, new CalibrationInfo { Model = entry.Label }), "recalibrated");
        await Until.TrueAsync(() => holder.Calibrations.Swaps == 1, () => "the calibration was not swapped in");

        // Calibration 2: its file corrupted before the index names it.
        var path = Path.Combine(registry.Directory, published.File);
        var bytes = CalibrationFile.Serialize(new CalibrationShift(FieldSchema.OpenRtb, 2.0, [], 3, new CalibrationInfo { Model = entry.Label, Version = 2 }));
        bytes[bytes.Length / 2] ^= 0x5a;
        File.WriteAllBytes(path, bytes);
        NameCalibrationVersion(registry, 2);
        await Until.TrueAsync(() => holder.Calibrations.Refusals == 1, () => "the calibration was not refused");

        Assert.Equal(1, holder.Calibrations.Current!.Version);
        Assert.Contains("checksum", holder.Calibrations.LastRefusal!.Reason, StringComparison.OrdinalIgnoreCase);
        var body = Bidding(model, shift, seed: 83);
        Assert.Equal(ExpectedBids.Best(model, body, BidderFactory.StartTime, calibrationShift: shift)!.Value.Price, Price(await client.BidOn(body)));
    }

    /// <summary>A calibration learned for another model is refused.</summary>
    [Fact]
    public async Task CalibrationOfAnotherModel_IsRefused()
    {
        var registry = new ModelRegistry(_factory.RegistryPath);
        var entry = registry.Publish(TestModels.Create(seed: 84, modelId: "ctr-cal"), "initial");
        _ = _factory.Client;
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        var (_, published) = registry.PublishCalibration(new CalibrationShift(FieldSchema.OpenRtb, 0.1, [], 3, new CalibrationInfo { Model = entry.Label }), "recalibrated");
        await Until.TrueAsync(() => holder.Calibrations.Swaps == 1, () => "the calibration was not swapped in");
        File.WriteAllBytes(Path.Combine(registry.Directory, published.File), CalibrationFile.Serialize(new CalibrationShift(FieldSchema.OpenRtb, 0.1, [], 3, new CalibrationInfo { Model = "ctr-cal@99", Version = 2 })));
        NameCalibrationVersion(registry, 2);
        await Until.TrueAsync(() => holder.Calibrations.Refusals == 1, () => "the calibration was not refused");
        Assert.Contains("ctr-cal@99", holder.Calibrations.LastRefusal!.Reason, StringComparison.Ordinal);
        Assert.Equal(1, holder.Calibrations.Current!.Version);
    }

    /// <summary>
    /// The shipped default file serves (the registry has no champion): a calibration published for it, named by its
    /// label and its file's checksum, is served and shifts the bids; one naming another file's checksum is not, and
    /// the first keeps serving. Once a published model serves, the default's calibration no longer applies.
    /// </summary>
    [Fact]
    public async Task DefaultFileCalibration_NamedByTheFilesChecksum_IsServed()
    {
        var path = Path.Combine(_factory.Directory, "default.cpm");
        ModelFile.Save(TestModels.Create(seed: 86, modelId: "ctr-default"), path);
        var model = ModelFile.Load(path);
        var client = _factory.Client;
        var holder = _factory.Services.GetRequiredService<ModelHolder>();
        var watcher = _factory.Services.GetRequiredService<ModelWatcher>();
        Assert.Equal(ModelSource.DefaultFile, holder.Current!.Source);
        var registry = new ModelRegistry(_factory.RegistryPath);
        var shift = Math.Log(0.75);
        var checksum = ModelFile.ReadChecksum(path);
        registry.PublishCalibration(new CalibrationShift(FieldSchema.OpenRtb, shift, [], 3, new CalibrationInfo { Model = "ctr-default@1", ModelChecksum = checksum }), "recalibrated");
        watcher.CheckNow();
        Assert.Equal(1, holder.Calibrations.Swaps);
        Assert.Equal(("ctr-default@1", 1), (holder.Calibrations.Current!.Model, holder.Calibrations.Current.Version));
        var body = Bidding(model, shift, seed: 87);
        Assert.Equal(ExpectedBids.Best(model, body, BidderFactory.StartTime, calibrationShift: shift)!.Value.Price, Price(await client.BidOn(body)));

        // Calibration 2 names another file with the same label: not this model's, so it is not served.
        registry.PublishCalibration(new CalibrationShift(FieldSchema.OpenRtb, 1.0, [], 3, new CalibrationInfo { Model = "ctr-default@1", ModelChecksum = "0123456789abcdef" }), "recalibrated");
        watcher.CheckNow();
        Assert.Equal(1, holder.Calibrations.Swaps);
        Assert.Equal(1, holder.Calibrations.Current!.Version);
        Assert.Equal(ExpectedBids.Best(model, body, BidderFactory.StartTime, calibrationShift: shift)!.Value.Price, Price(await client.BidOn(body)));

        var published = TestModels.Publish(_factory.RegistryPath, TestModels.Create(seed: 88));
        watcher.CheckNow();
        Assert.Equal(published.Label, holder.Current!.Label);
        Assert.Null(holder.Calibrations.For(holder.Current));
    }

    /// <summary>A request the model bids on both with and without the shift, at different prices.</summary>
    private static byte[] Bidding(LogisticModel model, double shift, int seed) => SimBodies.Json(200, seed).First(body =>
        ExpectedBids.Best(model, body, BidderFactory.StartTime) is { } plain
        && ExpectedBids.Best(model, body, BidderFactory.StartTime, calibrationShift: shift) is { } shifted
        && plain.Price != shifted.Price);

    private static decimal Price(System.Text.Json.JsonElement bid) => bid.GetProperty("price").GetDecimal();

    /// <summary>Rewrites the index so the champion's calibration entry names <paramref name="version"/> (a new revision), as a publish would.</summary>
    private static void NameCalibrationVersion(ModelRegistry registry, int version)
    {
        var index = JsonNode.Parse(File.ReadAllText(registry.IndexPath))!;
        var champion = index["champion"]!.GetValue<string>();
        foreach (var entry in index["versions"]!.AsArray())
        {
            if (entry!["label"]!.GetValue<string>() == champion)
            {
                entry["calibration"]!["version"] = version;
            }
        }

        index["revision"] = index["revision"]!.GetValue<long>() + 1;
        var temp = registry.IndexPath + ".test.tmp";
        File.WriteAllText(temp, index.ToJsonString());
        File.Move(temp, registry.IndexPath, overwrite: true);
    }
}
