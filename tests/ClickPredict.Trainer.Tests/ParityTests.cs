using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Training;
using ClickPredict.Kafka.Embedded;
using ClickPredict.Trainer.Options;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Tests;

/// <summary>
/// Research-production parity: the same time-ordered example stream fed (a) through the trainer service on
/// the embedded broker and (b) through <see cref="RetrainReplay"/>, what <c>clickpredict retrain-sim</c>
/// runs, with the service's own learner and policy settings, gives the same sequence of retrain decisions
/// and byte-identical published model files (lineage and all; both charge their work to a frozen meter,
/// so no measured CPU time makes the files differ).
/// </summary>
[Collection(KafkaCollection.Name)]
public class ParityTests
{
    [Fact]
    public async Task TrainerServiceAndRetrainSim_SameStream_SameDecisionsAndByteIdenticalModels()
    {
        using var directory = TestSupport.Directory();
        // One partition: the service reads the stream in exactly the order the replay does.
        using var cluster = EmbeddedKafkaCluster.Start(1, 1);
        cluster.CreateTopic(TestSupport.Examples, 1);
        const int Count = 8000;
        using (var producer = TestSupport.Producer(cluster.BootstrapServers))
        {
            LearnerTests.ProduceExamples(producer, Count, seed: 5, drift: 30);
        }

        var settings = TrainerHost.Defaults(cluster, directory.Path);
        settings["Trainer:Joiner:Enabled"] = "false";
        settings["RetrainPolicy:MinNewExamples"] = "500";
        settings["RetrainPolicy:IntervalSeconds"] = "20";
        settings["RetrainPolicy:MinImprovement"] = "0.001";
        settings["RetrainPolicy:DegradationThreshold"] = "0.01";
        settings["RetrainPolicy:MinWeightChange"] = "0";
        using var logs = new CapturingLoggerProvider();
        var service = await TrainerHost.StartAsync(settings, logs: logs, services: s => s.AddSingleton(TrainingMeter.Frozen));
        Assert.True(await TestSupport.Eventually(() => service.Status.ExamplesConsumed >= Count), $"the learner read {service.Status.ExamplesConsumed} of {Count}");
        var learner = service.Services.GetRequiredService<IOptions<TrainerOptions>>().Value;
        var policy = service.Services.GetRequiredService<IOptions<RetrainPolicyOptions>>().Value;
        await service.StopAsync();
        var serviceDecisions = logs.Lines
            .Where(l => l.Id.Id == 14 && l.Category.StartsWith("ClickPredict.Trainer", StringComparison.Ordinal))
            .Select(l => l.Message[l.Message.IndexOf("Retrain decision", StringComparison.Ordinal)..])
            .ToList();

        var replayRegistry = Path.Combine(directory.Path, "replay-registry");
        var spec = FeatureSpec.Load(Path.Combine(LearnerTests.RepoRoot(), "config/features/default.json"));
        var replay = new RetrainReplay(spec, learner.Learner.ToTrainerOptions(learner.ModelId, TestSupport.Examples), [("service", policy)], TrainingMeter.Frozen, _ => new ModelRegistry(replayRegistry));
        var values = new FieldValues(spec.Schema);
        foreach (var message in ReadPartition(cluster.BootstrapServers))
        {
            var head = ExampleCodec.ReadExample(message.Message.Value, values);
            replay.Add(values, head.Clicked, DateTimeOffset.FromUnixTimeMilliseconds(head.ImpressionTimeUnixMs), message.Partition.Value, message.Offset.Value);
        }

        var replayDecisions = replay.Decisions()
            .Select(d => string.Create(CultureInfo.InvariantCulture, $"Retrain decision: {d.Decision.OutcomeName} ({d.Decision.Reason}), trigger {d.Decision.TriggerName}: {d.Decision.Details()}"))
            .ToList();
        Assert.Equal(replayDecisions, serviceDecisions);
        Assert.Contains(serviceDecisions, d => d.Contains(": publish (", StringComparison.Ordinal));
        Assert.Contains(serviceDecisions, d => d.Contains(": skip (", StringComparison.Ordinal));

        var published = Files(settings["Registry:Path"]!);
        Assert.True(published.Count >= 2, $"{published.Count} model(s) published");
        Assert.Equal(published.Keys, Files(replayRegistry).Keys);
        foreach (var (name, bytes) in Files(replayRegistry))
        {
            Assert.True(bytes.AsSpan().SequenceEqual(published[name]), $"{name} differs between the service and the replay");
        }
    }

    private static SortedDictionary<string, byte[]> Files(string registry) => new(
        Directory.GetFiles(registry, "*.cpm").ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes),
        StringComparer.Ordinal);

    private static List<ConsumeResult<string, byte[]>> ReadPartition(string bootstrapServers)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "parity-read", EnableAutoCommit = false }).Build();
        var tp = new TopicPartition(TestSupport.Examples, 0);
        var end = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High.Value;
        consumer.Assign(new TopicPartitionOffset(tp, Offset.Beginning));
        var all = new List<ConsumeResult<string, byte[]>>();
        var deadline = Environment.TickCount64 + (long)TestSupport.Patience.TotalMilliseconds;
        while (all.Count < end && Environment.TickCount64 < deadline)
        {
            if (consumer.Consume(100) is { IsPartitionEOF: false } result)
            {
                all.Add(result);
            }
        }

        return all;
    }
}
