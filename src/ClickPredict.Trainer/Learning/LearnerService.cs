using ClickPredict.Core.Features;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Training;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Consuming;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using ClickPredict.Trainer.Options;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Learning;

// CA1873: the start and stop lines format offsets once each, guarded by IsEnabled.
#pragma warning disable CA1873

/// <summary>
/// The continuous learner: reads every partition of the examples topic (manual assignment) into one
/// <see cref="OnlineTrainer"/>, the core <c>clickpredict retrain-sim</c> and the progressive back-test run
/// too, through an <see cref="ExampleLearner"/> on a <see cref="ConsumeLoop{TKey, TValue}"/>. At start it
/// restores the trainer from its checkpoint and resumes at exactly the offsets the state covers, so after a
/// crash no example is learned twice or skipped.
/// </summary>
internal sealed class LearnerService : TrainerLoop
{
    private readonly KafkaClientFactory _clients;
    private readonly TrainerOptions _options;
    private readonly TrainerRegistryOptions _registryOptions;
    private readonly IOptionsMonitor<RetrainPolicyOptions> _policy;
    private readonly TrainerPaths _paths;
    private readonly TrainerMetrics _metrics;
    private readonly TrainerStatus _status;
    private readonly TimeProvider _time;
    private readonly TrainingMeter _meter;
    private readonly ILogger _logger;
    private readonly string _topic;
    private readonly string _checkpointPath;

    public LearnerService(
        KafkaClientFactory clients,
        IOptions<TrainerOptions> options,
        IOptions<TrainerRegistryOptions> registry,
        IOptionsMonitor<RetrainPolicyOptions> policy,
        TrainerPaths paths,
        TrainerMetrics metrics,
        TrainerStatus status,
        TimeProvider time,
        TrainingMeter meter,
        ILogger<LearnerService> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(paths);
        _clients = clients;
        _options = options.Value;
        _registryOptions = registry.Value;
        _policy = policy;
        _paths = paths;
        _metrics = metrics;
        _status = status;
        _time = time;
        _meter = meter;
        _logger = logger;
        _topic = clients.Options.Topics.Examples;
        _checkpointPath = Path.Combine(paths.Resolve(_options.StateDirectory), "learner", "learner.ckpt");
    }

    protected override bool Enabled => _options.Learner.Enabled;

    protected override void Starting() => _status.LearnerRunning = true;

    protected override void Run(CancellationToken token)
    {
        ConsumeLoop<string, byte[]>? loop = null;
        try
        {
            var spec = FeatureSpec.Load(_paths.Resolve(_options.FeatureSpecPath));
            Directory.CreateDirectory(Path.GetDirectoryName(_checkpointPath)!);
            var state = LearnerCheckpoint.Load(_checkpointPath);
            if (state?.State is { } saved && saved.Spec.Fingerprint != spec.Fingerprint)
            {
                throw new InvalidOperationException(
                    $"the learner checkpoint '{_checkpointPath}' was trained with feature spec {saved.Spec.FingerprintHex}, but {TrainerOptions.SectionName}:FeatureSpecPath gives {spec.FingerprintHex}; move the checkpoint away to start a new model line");
            }

            var trainer = new OnlineTrainer(spec, _options.Learner.ToTrainerOptions(_options.ModelId, _topic), _policy.CurrentValue, state, _meter);
            var registry = new LearnerRegistry(new ModelRegistry(_paths.Resolve(_registryOptions.Path), _registryOptions.Retain), _paths.Resolve(_registryOptions.DefaultModelPath), _status, _time, _logger);
            registry.Refresh(trainer, force: true);
            var learner = new ExampleLearner(
                trainer, registry, _policy, _checkpointPath, _topic,
                TimeSpan.FromMilliseconds(_options.Learner.CheckIntervalMs), TimeSpan.FromSeconds(_options.Learner.CheckpointIntervalSeconds),
                _metrics, _status, _logger);

            var config = _clients.CreateConsumerConfig(_options.Learner.GroupId);
            config.EnableAutoCommit = false;
            // One topic, no headers or timestamps read: nothing of them marshalled (and allocated) per message.
            config.ConsumeResultFields = "none";
            loop = new ConsumeLoop<string, byte[]>(config, learner, _logger, "learner");
            learner.Loop = loop;
            _status.StartLearner(() => loop.Outages);
            var partitions = ExamplePartitions(token);
            var committed = Committed(loop.Consumer, partitions);
            var resume = state?.Offsets ?? [];
            loop.Consumer.Assign(partitions.Select(p => new TopicPartitionOffset(_topic, p,
                resume.TryGetValue(p, out var next) ? new Offset(next) : committed.GetValueOrDefault(p, Offset.Beginning))));
            _status.SetLearned(trainer.Learned);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                Log.LearnerStarted(_logger, partitions.Count, _topic, trainer.Learned, trainer.FormatOffsets(resume));
            }

            loop.Run(token);
            if (Graceful)
            {
                loop.Close();
            }
        }
        catch (Exception e) when (e is KafkaException or InvalidDataException or IOException or UnauthorizedAccessException or FeatureSpecException or InvalidOperationException)
        {
            _status.Failure = "learner: " + e.Message;
            Log.LearnerFailed(_logger, e.Message, e);
            throw;
        }
        finally
        {
            _status.LearnerRunning = false;
            loop?.Dispose();
        }
    }

    private List<int> ExamplePartitions(CancellationToken token)
    {
        using var admin = _clients.BuildAdminClient(_logger);
        while (true)
        {
            token.ThrowIfCancellationRequested();
            try
            {
                var metadata = admin.GetMetadata(_topic, TimeSpan.FromSeconds(5));
                var topic = metadata.Topics.FirstOrDefault(t => t.Topic == _topic && t.Error.Code == ErrorCode.NoError);
                if (topic is { Partitions.Count: > 0 })
                {
                    return [.. topic.Partitions.Select(p => p.PartitionId).Order()];
                }
            }
            catch (KafkaException e)
            {
                Log.LearnerConsumeError(_logger, e.Error.Code, e.Error.Reason);
            }

            token.WaitHandle.WaitOne(500);
        }
    }

    private Dictionary<int, Offset> Committed(IConsumer<string, byte[]> consumer, List<int> partitions)
    {
        try
        {
            return consumer.Committed(partitions.Select(p => new TopicPartition(_topic, p)), TimeSpan.FromSeconds(10))
                .Where(c => !c.Offset.IsSpecial)
                .ToDictionary(c => c.Partition.Value, c => c.Offset);
        }
        catch (KafkaException e)
        {
            Log.LearnerConsumeError(_logger, e.Error.Code, e.Error.Reason);
            return [];
        }
    }
}
