using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Simulation;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;

namespace ClickPredict.Trainer.Tests;

/// <summary>The learner on its own (joiner off): continuous training, policy reload without a restart, publishing with lineage.</summary>
[Collection(KafkaCollection.Name)]
public class LearnerTests
{
    [Fact]
    public async Task Learner_PolicyReloadedFromEditedFile_PublishesFirstModelWithLineage()
    {
        using var directory = TestSupport.Directory();
        using var cluster = TestSupport.Cluster();
        using var producer = TestSupport.Producer(cluster.BootstrapServers);
        using var logs = new CapturingLoggerProvider();
        const int Count = 6000;
        ProduceExamples(producer, Count, seed: 3);

        var settings = TrainerHost.Defaults(cluster, directory.Path);
        settings["Trainer:Joiner:Enabled"] = "false";
        settings.Remove("RetrainPolicy:MinNewExamples");
        var policyFile = Path.Combine(directory.Path, "policy.json");
        WritePolicy(policyFile, minNewExamples: 1_000_000);
        await using var trainer = await TrainerHost.StartAsync(settings, c => c.AddJsonFile(policyFile, optional: false, reloadOnChange: true), logs);

        Assert.True(await TestSupport.Eventually(() => trainer.Status.ExamplesConsumed >= Count), $"read {trainer.Status.ExamplesConsumed} of {Count}");
        var registry = new ModelRegistry(settings["Registry:Path"]!);
        Assert.Null(registry.ReadIndex().Champion);

        // Ops lower the bar in the file; the running learner takes it and publishes its first model.
        WritePolicy(policyFile, minNewExamples: 1000);
        Assert.True(await TestSupport.Eventually(() => trainer.Status.Published >= 1), "nothing was published after the policy reload");

        Assert.Contains(logs.Lines, l => l.Id.Id == 20 && l.Category.StartsWith("ClickPredict.Trainer", StringComparison.Ordinal));

        var index = registry.ReadIndex();
        var entry = index.ChampionEntry!;
        Assert.Equal("ctr@1", entry.Label);
        Assert.StartsWith("no-champion", entry.Reason, StringComparison.Ordinal);
        Assert.Equal(FeatureSpec.Load(Path.Combine(RepoRoot(), "config/features/default.json")).FingerprintHex, entry.SpecFingerprint);
        Assert.Equal("kafka:clickpredict.examples", entry.TrainingData.Source);
        Assert.Equal(Count - 500, entry.TrainingData.Rows);
        Assert.Contains("clickpredict.examples/0:0-", entry.TrainingData.Offsets, StringComparison.Ordinal);
        Assert.True(entry.TrainingData.FromUtc < entry.TrainingData.ToUtc);
        Assert.True(entry.Metrics["holdoutLogLoss"] is > 0 and < 1);
        Assert.Equal(500, entry.Metrics["holdoutExamples"]);
        Assert.True(entry.Cost.CpuSeconds > 0);
        var decision = logs.Lines.First(l => l.Id.Id == 14 && l.Category.StartsWith("ClickPredict.Trainer", StringComparison.Ordinal));
        Assert.Contains("publish (no-champion)", decision.Message, StringComparison.Ordinal);
        Assert.Equal(entry.Label, trainer.Status.Champion);
        Assert.True(await TestSupport.Eventually(() => registry.ReadDecisions().Count > 0));
        var recorded = registry.ReadDecisions()[0];
        Assert.Equal("publish", recorded.Decision);
        Assert.Equal("ctr@1", recorded.Label);
        Assert.Equal("no-champion", recorded.Reasons[0]);
    }

    internal static void ProduceExamples(IProducer<string, byte[]> producer, int count, int seed, double drift = 0)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = seed, OutcomeSeed = seed + 1, Sites = 300, Apps = 100, DriftPerDay = drift }));
        for (var i = 0; i < count; i++)
        {
            var example = examples.Next();
            example.BidId = $"ex-{seed}-{i}";
            producer.Produce(TestSupport.Examples, new Message<string, byte[]> { Key = example.BidId, Value = EventSerializer.Serialize(example) });
        }

        Assert.Equal(0, producer.Flush(TestSupport.Patience));
    }

    private static void WritePolicy(string path, long minNewExamples)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $$"""{ "RetrainPolicy": { "MinNewExamples": {{minNewExamples}} } }"""));
        File.Move(temporary, path, overwrite: true);
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClickPredict.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no ClickPredict.sln above the test directory");
    }
}
