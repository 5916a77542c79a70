using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;

namespace ClickPredict.Core.Tests.Registry;

public sealed class ModelRegistryTests : IDisposable
{
    private static readonly FeatureSpec s_spec = FeatureSpec.Parse("""{"schema":"openrtb","hashBits":18,"fields":["site.domain","creative.id"]}""");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cp-registry-{Guid.NewGuid():N}");

    private static LogisticModel Model(float weight, string id = "ctr") =>
        LogisticModel.CreateSparse(new ModelInfo { ModelId = id, Algorithm = "ftrl", Metrics = new Dictionary<string, double> { ["logLoss"] = weight } }, s_spec, -2, [1, 2], [weight, -weight]);

    [Fact]
    public void Empty_HasNoChampion()
    {
        var registry = new ModelRegistry(_dir);
        Assert.Null(registry.ReadIndex().Champion);
        Assert.Null(registry.LoadChampion(out var entry));
        Assert.Null(entry);
    }

    [Fact]
    public void Publish_NumbersVersions_RecordsLineage_AndMovesTheChampion()
    {
        var registry = new ModelRegistry(_dir);
        var first = registry.Publish(Model(0.1f), "initial");
        var second = registry.Publish(Model(0.2f), "beat champion by 2.1%");
        Assert.Equal(("ctr@1", 1, (string?)null), (first.Label, first.Version, first.Parent));
        Assert.Equal(("ctr@2", 2, "ctr@1"), (second.Label, second.Version, second.Parent));
        Assert.Equal("beat champion by 2.1%", second.Reason);
        Assert.Equal(s_spec.FingerprintHex, second.SpecFingerprint);
        var index = registry.ReadIndex();
        Assert.Equal("ctr@2", index.Champion);
        Assert.Equal(2, index.Revision);
        var champion = registry.LoadChampion(out var entry)!;
        Assert.Equal(2, champion.Info.Version);
        Assert.Equal("ctr@1", champion.Info.Parent);
        Assert.Equal(0.2f, champion.Weight(1));
        Assert.Equal(0.2, entry!.Metrics["logLoss"], 6);
    }

    [Fact]
    public void Publish_WithoutPromotion_KeepsTheChampion_AndSetChampionRollsBack()
    {
        var registry = new ModelRegistry(_dir);
        registry.Publish(Model(0.1f), "initial");
        registry.Publish(Model(0.2f), "shadow", makeChampion: false);
        Assert.Equal("ctr@1", registry.ReadIndex().Champion);
        registry.SetChampion("ctr@2");
        Assert.Equal("ctr@2", registry.ReadIndex().Champion);
        registry.SetChampion("ctr@1");
        Assert.Equal(0.1f, registry.LoadChampion(out _)!.Weight(1));
        Assert.Contains("no version 'ctr@9'", Assert.Throws<RegistryException>(() => registry.SetChampion("ctr@9")).Message);
    }

    [Fact]
    public void Retention_DeletesOldVersions_ButNeverTheChampion()
    {
        var registry = new ModelRegistry(_dir, retain: 3);
        registry.Publish(Model(0.1f), "champion");
        for (var i = 0; i < 5; i++)
        {
            registry.Publish(Model(0.2f + i), "shadow", makeChampion: false);
        }

        var index = registry.ReadIndex();
        Assert.Equal(["ctr@1", "ctr@5", "ctr@6"], index.Versions.Select(v => v.Label));
        Assert.Equal(3, Directory.GetFiles(_dir, "*.cpm").Length);
    }

    [Fact]
    public void Publish_LeavesNoTemporaryFiles_AndConcurrentPublishesGetDistinctVersions()
    {
        var registry = new ModelRegistry(_dir, retain: 100);
        Parallel.For(0, 8, i => new ModelRegistry(_dir, retain: 100).Publish(Model(i + 1), $"p{i}"));
        var versions = registry.ReadIndex().Versions.Select(v => v.Version).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 8), versions);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void ReadIndex_Corrupt_IsReportedWithThePath()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, ModelRegistry.IndexFileName), "{ not json");
        var e = Assert.Throws<RegistryException>(() => new ModelRegistry(_dir).ReadIndex());
        Assert.Contains(_dir, e.Message);
        Assert.Contains("not a valid index", e.Message);
    }

    [Fact]
    public void RecordDecision_KeepsTheLastFifty_InOrder()
    {
        var registry = new ModelRegistry(_dir);
        Assert.Empty(registry.ReadDecisions());
        for (var i = 0; i < 60; i++)
        {
            registry.RecordDecision(new RegistryDecision { Decision = i % 2 == 0 ? "skip" : "publish", Reasons = [$"reason {i}"], NewExamples = i });
        }

        var decisions = registry.ReadDecisions();
        Assert.Equal(ModelRegistry.DecisionsKept, decisions.Count);
        Assert.Equal(10, decisions[0].NewExamples);
        Assert.Equal("reason 59", decisions[^1].Reasons.Single());
        File.WriteAllText(Path.Combine(_dir, ModelRegistry.DecisionsFileName), "[{");
        Assert.Empty(registry.ReadDecisions());
        registry.RecordDecision(new RegistryDecision { Decision = "publish" });
        Assert.Single(registry.ReadDecisions());
    }

    /// <summary>
    /// Refused recalibrations every few seconds: a run of the same decision for the same reason and trigger is one
    /// line with a count and the first time, so the last fifty still hold the retrain decisions around them.
    /// </summary>
    [Fact]
    public void RecordDecision_Coalesce_FoldsARunOfTheSameDecisionIntoOneLine()
    {
        var registry = new ModelRegistry(_dir);
        var start = DateTimeOffset.UnixEpoch;
        registry.RecordDecision(new RegistryDecision { AtUtc = start, Decision = "publish", Reasons = ["scheduled", "trigger interval"] });
        for (var i = 1; i <= 100; i++)
        {
            registry.RecordDecision(new RegistryDecision { AtUtc = start.AddSeconds(i), Decision = "skip", Reasons = ["calibration-no-better", "trigger recalibrate", $"round {i}"], NewExamples = i }, coalesce: true);
        }

        registry.RecordDecision(new RegistryDecision { AtUtc = start.AddSeconds(101), Decision = "skip", Reasons = ["too-few-calibration-examples", "trigger recalibrate"] }, coalesce: true);
        registry.RecordDecision(new RegistryDecision { AtUtc = start.AddSeconds(102), Decision = "skip", Reasons = ["calibration-no-better", "trigger recalibrate"] }, coalesce: true);

        var decisions = registry.ReadDecisions();
        Assert.Equal(["publish", "skip", "skip", "skip"], decisions.Select(d => d.Decision));
        var run = decisions[1];
        Assert.Equal(99, run.Repeats);
        Assert.Equal(start.AddSeconds(1), run.FirstAtUtc);
        Assert.Equal(start.AddSeconds(100), run.AtUtc);
        Assert.Equal(100, run.NewExamples);
        Assert.Equal("round 100", run.Reasons[2]);
        Assert.Equal(0, decisions[2].Repeats);
        Assert.Null(decisions[2].FirstAtUtc);
        Assert.Equal(0, decisions[3].Repeats);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
