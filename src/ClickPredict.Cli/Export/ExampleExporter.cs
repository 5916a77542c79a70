using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Kafka;
using Confluent.Kafka;

namespace ClickPredict.Cli.Export;

/// <summary>
/// Copies the labelled examples of a Kafka topic into memory: every partition from its low to its
/// high watermark as they stood when the export began (messages arriving later are left for the
/// next export), decoded as <see cref="LabeledExample"/>s, kept when their bid time falls in
/// <c>[from, to)</c>, and ordered by bid time (then bid id) so a positional back-test split is a
/// split in time. Nothing is committed: the export reads as a group of its own and leaves no trace.
/// </summary>
internal sealed class ExampleExporter
{
    private readonly KafkaClientFactory _clients;

    public ExampleExporter(KafkaClientFactory clients) => _clients = clients;

    /// <summary>Messages read (before the time filter).</summary>
    public long MessagesRead { get; private set; }

    /// <summary>Partitions of the topic.</summary>
    public int Partitions { get; private set; }

    public List<LabeledExample> Export(string topic, DateTimeOffset? from, DateTimeOffset? to, TimeSpan timeout, Action<long, long>? progress = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var partitions = FindPartitions(topic, timeout);
        Partitions = partitions.Count;

        var config = _clients.CreateConsumerConfig($"clickpredict-export-{Guid.NewGuid():N}");
        config.EnableAutoCommit = false;
        config.EnablePartitionEof = false;
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config)
            .SetErrorHandler((_, _) => { })
            .SetLogHandler((_, _) => { })
            .Build();

        // Where each partition ends now: the export copies up to there.
        var ends = new Dictionary<int, long>();
        var assignment = new List<TopicPartitionOffset>();
        long total = 0;
        foreach (var partition in partitions)
        {
            var tp = new TopicPartition(topic, partition);
            var marks = consumer.QueryWatermarkOffsets(tp, Left(deadline, topic, 0, 0));
            if (marks.High.Value > marks.Low.Value)
            {
                ends[partition] = marks.High.Value;
                assignment.Add(new TopicPartitionOffset(tp, marks.Low));
                total += marks.High.Value - marks.Low.Value;
            }
        }

        var examples = new List<LabeledExample>();
        if (assignment.Count == 0)
        {
            return examples;
        }

        var fromMs = from?.ToUnixTimeMilliseconds() ?? long.MinValue;
        var toMs = to?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        consumer.Assign(assignment);
        while (ends.Count > 0)
        {
            var left = Left(deadline, topic, MessagesRead, total);
            var result = consumer.Consume(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            if (result is null || result.IsPartitionEOF)
            {
                continue;
            }

            var partition = result.Partition.Value;
            var offset = result.Offset.Value;
            if (!ends.TryGetValue(partition, out var end) || offset >= end)
            {
                continue;
            }

            MessagesRead++;
            LabeledExample example;
            try
            {
                example = EventSerializer.Deserialize<LabeledExample>(result.Message.Value ?? []);
            }
            catch (EventFormatException e)
            {
                throw new CliException($"{topic} partition {partition} offset {offset}: {e.Message}", e);
            }

            if (example.BidTimeUnixMs >= fromMs && example.BidTimeUnixMs < toMs)
            {
                examples.Add(example);
            }

            if (offset + 1 >= end)
            {
                ends.Remove(partition);
            }

            if ((MessagesRead & 0xFFF) == 0)
            {
                progress?.Invoke(MessagesRead, total);
            }
        }

        progress?.Invoke(MessagesRead, total);
        consumer.Close();
        examples.Sort(static (a, b) =>
        {
            var byTime = a.BidTimeUnixMs.CompareTo(b.BidTimeUnixMs);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.BidId, b.BidId);
        });
        return examples;
    }

    private List<int> FindPartitions(string topic, TimeSpan timeout)
    {
        var config = _clients.CreateAdminClientConfig();
        // Listing every topic never creates one (asking for a named topic would, on the embedded broker).
        config.AllowAutoCreateTopics = false;
        using var admin = new AdminClientBuilder(config).SetErrorHandler((_, _) => { }).SetLogHandler((_, _) => { }).Build();
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(timeout);
        }
        catch (KafkaException e)
        {
            throw new CliException($"cannot reach Kafka at {_clients.BootstrapServers}: {e.Error.Reason}", e);
        }

        var found = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
        if (found is null)
        {
            var names = metadata.Topics.Where(t => t.Error.Code == ErrorCode.NoError).Select(t => t.Topic).Order(StringComparer.Ordinal);
            throw new CliException($"topic '{topic}' does not exist on {_clients.BootstrapServers} (topics: {string.Join(", ", names)})");
        }

        return [.. found.Partitions.Select(p => p.PartitionId).Order()];
    }

    private static TimeSpan Left(DateTime deadline, string topic, long read, long total)
    {
        var left = deadline - DateTime.UtcNow;
        if (left <= TimeSpan.Zero)
        {
            throw new CliException(string.Create(
                CultureInfo.InvariantCulture,
                $"timed out reading topic '{topic}' ({read:N0} of {total:N0} messages read); raise --timeout or check the brokers"));
        }

        return left;
    }
}
