using ClickPredict.Kafka;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using ClickPredict.Trainer.Options;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// The joiner: a consumer group over the bids, impressions and clicks topics that joins the events of
/// each auction by bid id and emits one labelled example per won bid to the examples topic, keyed by bid
/// id, exactly once across crashes and restarts. This process runs <c>Trainer:Joiner:Consumers</c>
/// members of the group (<see cref="JoinerMember"/>), each on its own thread with its share of the
/// partitions, all writing through one <see cref="ExampleOutput"/>. See docs/TRAINER.md for the windows,
/// the event clock and why nothing is lost or emitted twice.
/// </summary>
internal sealed class JoinerService : TrainerLoop
{
    private readonly KafkaClientFactory _clients;
    private readonly TrainerOptions _options;
    private readonly string _directory;
    private readonly TrainerMetrics _metrics;
    private readonly TrainerStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public JoinerService(
        KafkaClientFactory clients,
        IOptions<TrainerOptions> options,
        TrainerPaths paths,
        TrainerMetrics metrics,
        TrainerStatus status,
        TimeProvider time,
        ILogger<JoinerService> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(paths);
        _clients = clients;
        _options = options.Value;
        _directory = Path.Combine(paths.Resolve(_options.StateDirectory), "joiner");
        _metrics = metrics;
        _status = status;
        _time = time;
        _logger = logger;
    }

    protected override bool Enabled => _options.Joiner.Enabled;

    protected override void Starting() => _status.JoinerRunning = true;

    /// <summary>
    /// Runs the members, one on this thread and the others each on a thread of its own, until
    /// <paramref name="token"/> fires. A member that fails stops the others where they are (no final
    /// checkpoint: their restart resumes from the last one, as after a crash) and its error ends the loop.
    /// </summary>
    protected override void Run(CancellationToken token)
    {
        Directory.CreateDirectory(_directory);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(token);
        ExampleOutput? output = null;
        JoinerMember[] members = [];
        try
        {
            output = new ExampleOutput(_clients, _logger);
            var topics = _clients.Options.Topics;
            var context = new JoinerContext(_clients, _options.Joiner, new JoinTopics(topics.Bids, topics.Impressions, topics.Clicks), _directory, output, _metrics, _status, _time, _logger);
            members = [.. Enumerable.Range(0, _options.Joiner.Consumers).Select(i => new JoinerMember(context, i))];
            _status.StartJoiner(members);
            var others = members.Skip(1)
                .Select(m => Task.Factory.StartNew(() => RunMember(m, failed), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            Exception? first = Capture(() => RunMember(members[0], failed));
            foreach (var other in others)
            {
                first ??= Capture(() => other.GetAwaiter().GetResult());
            }

            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }

            if (Graceful)
            {
                var checkpointed = members.Sum(m => m.Stopped);
                Log.JoinerStopped(_logger, checkpointed);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped while waiting for the producer's queue: nothing uncheckpointed is committed.
        }
        catch (Exception e) when (e is KafkaException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            _status.Failure = "joiner: " + e.Message;
            Log.JoinerFailed(_logger, e.Message, e);
            throw;
        }
        finally
        {
            _status.JoinerRunning = false;
            foreach (var member in members)
            {
                member.Dispose();
            }

            // Without a graceful stop this is the crash path: no flush.
            output?.Dispose();
        }
    }

    private static Exception? Capture(Action run)
    {
        try
        {
            run();
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }

    private void RunMember(JoinerMember member, CancellationTokenSource failed)
    {
        try
        {
            member.Run(() => Graceful, failed.Token);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            // Stopped, or another member failed.
        }
        catch
        {
            failed.Cancel();
            throw;
        }
    }
}
