using ClickPredict.Kafka;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using ClickPredict.Trainer.Options;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// What every member of the joiner uses and none owns: the configuration, the topics, the state
/// directory, the shared examples output, metrics, status, the clock and the log. A member owns
/// everything else it works with (its consumer, its partitions' join state, its tallies).
/// </summary>
internal sealed record JoinerContext(
    KafkaClientFactory Clients,
    JoinerOptions Options,
    JoinTopics Topics,
    string Directory,
    ExampleOutput Output,
    TrainerMetrics Metrics,
    TrainerStatus Status,
    TimeProvider Time,
    ILogger Logger)
{
    /// <summary>The join's windows in milliseconds of event time.</summary>
    public JoinWindows Windows { get; } = JoinWindows.From(Options);

    /// <summary>The checkpoint file of partition <paramref name="partition"/>.</summary>
    public string CheckpointPath(int partition) => Path.Combine(Directory, $"p{partition}.join");

    /// <summary>Milliseconds on the joiner's clock (<see cref="Time"/>: the system's, or a test's).</summary>
    public long NowMs() => (long)(Time.GetTimestamp() * 1000.0 / Time.TimestampFrequency);
}
