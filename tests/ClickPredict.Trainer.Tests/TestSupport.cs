using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Trainer.Tests;

/// <summary>Bounded waits, a private directory, a cluster with the four topics, reading a topic back.</summary>
internal static class TestSupport
{
    /// <summary>Upper bound of any wait; a passing run needs a small fraction of it.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    public const string Bids = "clickpredict.bids", Impressions = "clickpredict.impressions", Clicks = "clickpredict.clicks", Examples = "clickpredict.examples";

    public const int Partitions = 4;

    public static EmbeddedKafkaCluster Cluster()
    {
        var cluster = EmbeddedKafkaCluster.Start(1, Partitions);
        foreach (var topic in new[] { Bids, Impressions, Clicks, Examples })
        {
            cluster.CreateTopic(topic, Partitions);
        }

        return cluster;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Patience"/> runs out.</summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan? patience = null)
    {
        var deadline = Environment.TickCount64 + (long)(patience ?? Patience).TotalMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Every message of <paramref name="topic"/> now (reads to each partition's end).</summary>
    public static List<ConsumeResult<string, byte[]>> ReadAll(string bootstrapServers, string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        var ends = new Dictionary<int, long>();
        for (var p = 0; p < Partitions; p++)
        {
            ends[p] = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value;
        }

        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = new List<ConsumeResult<string, byte[]>>();
        var done = new HashSet<int>(ends.Where(e => e.Value == 0).Select(e => e.Key));
        var deadline = Environment.TickCount64 + (long)Patience.TotalMilliseconds;
        while (done.Count < Partitions && Environment.TickCount64 < deadline)
        {
            var result = consumer.Consume(100);
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= ends[result.Partition.Value])
                {
                    done.Add(result.Partition.Value);
                }

                continue;
            }

            results.Add(result);
        }

        consumer.Close();
        return results;
    }

    /// <summary>A producer like the bidder's: keyed by bid id, murmur2 partitioner.</summary>
    public static IProducer<string, byte[]> Producer(string bootstrapServers) => new ProducerBuilder<string, byte[]>(new ProducerConfig
    {
        BootstrapServers = bootstrapServers,
        Partitioner = Partitioner.Murmur2Random,
        LingerMs = 2,
        ReconnectBackoffMs = 20,
        ReconnectBackoffMaxMs = 200,
    }).Build();

    public static TempDirectory Directory() => new();
}

internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "clickpredict-trainer-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Keeps every log line (for asserting that a decision or a reload was logged).</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly List<(string Category, EventId Id, string Message)> _lines = [];

    public IReadOnlyList<(string Category, EventId Id, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add((category, eventId, $"{DateTime.UtcNow:HH:mm:ss.fff} {formatter(state, exception)}"));
            }
        }
    }
}
