using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Training;
using ClickPredict.Kafka;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using ClickPredict.Trainer.Options;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Learning;

// CA1873: the few log lines that format figures (start, stop, policy reload, one per retrain decision)
// are guarded by IsEnabled and run at most once a second; the analyzer does not see the guard.
#pragma warning disable CA1873

/// <summary>
/// The continuous learner: reads every partition of the examples topic, trains FTRL-Proximal on each
/// example (holding the most recent <c>HoldoutExamples</c> back, see <see cref="HoldoutBuffer"/>),
/// consults the retrain policy (<see cref="RetrainScheduler"/>) every <c>CheckIntervalMs</c>, publishes
/// the candidates it accepts to the model registry with their lineage, and checkpoints its state with
/// the offsets it covers (<see cref="LearnerCheckpoint"/>), committing those offsets only afterwards.
/// After a crash it resumes from the checkpoint at exactly the offsets the state covers, so no example
/// is learned twice or skipped.
/// </summary>
internal sealed class LearnerService : TrainerLoop
{
    private const int PollMs = 50;

    private readonly KafkaClientFactory _clients;
    private readonly TrainerOptions _options;
    private readonly TrainerRegistryOptions _registryOptions;
    private readonly IOptionsMonitor<RetrainPolicyOptions> _policy;
    private readonly TrainerPaths _paths;
    private readonly TrainerMetrics _metrics;
    private readonly TrainerStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _topic;
    private readonly string _checkpointPath;
    private volatile bool _policyChanged;

    // Loop state (owned by the loop thread).
    private FeatureSpec _spec = null!;
    private FeatureHasher _hasher = null!;
    private FtrlLearner _learner = null!;
    private RetrainScheduler _scheduler = null!;
    private HoldoutBuffer _holdout = null!;
    private NegativeDownsampler? _downsampler;
    private ModelRegistry _registry = null!;
    private IConsumer<string, byte[]>? _consumer;
    private readonly Dictionary<int, long> _next = [];
    private Dictionary<int, long> _startOffsets = [];
    private long _learned;
    // Added to the examples metric at each policy check (a tagged counter per example costs as much as learning it).
    private long _unflushedLearned;
    private long _unflushedSampledOut;
    private long _sampledOut;
    private long _positives;
    private DateTimeOffset? _fromUtc;
    private DateTimeOffset? _toUtc;
    private double _cpuSincePublish;
    private double _cpuMark;
    private long _registryRevision = -1;
    private long _publishWallStart;

    public LearnerService(
        KafkaClientFactory clients,
        IOptions<TrainerOptions> options,
        IOptions<TrainerRegistryOptions> registry,
        IOptionsMonitor<RetrainPolicyOptions> policy,
        TrainerPaths paths,
        TrainerMetrics metrics,
        TrainerStatus status,
        TimeProvider time,
        ILogger<LearnerService> logger)
    {
        ArgumentNullException.ThrowIfNull(clients);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(paths);
        _clients = clients;
        _options = options.Value;
        _registryOptions = registry.Value;
        _policy = policy;
        _paths = paths;
        _metrics = metrics;
        _status = status;
        _time = time;
        _logger = logger;
        _topic = clients.Options.Topics.Examples;
        _checkpointPath = Path.Combine(paths.Resolve(_options.StateDirectory), "learner", "learner.ckpt");
        policy.OnChange(_ => _policyChanged = true);
    }

    protected override bool Enabled => _options.Learner.Enabled;

    protected override void Starting() => _status.LearnerRunning = true;

    protected override void Run(CancellationToken token)
    {
        try
        {
            Start(token);
            var indices = new int[_hasher.FeatureCount];
            var released = new HoldoutBuffer.ReleasedEntry(new int[_hasher.FeatureCount], false, 0, 0, 0);
            var values = new FieldValues(_spec.Schema);
            long nextCheck = 0, nextCheckpoint = Environment.TickCount64 + CheckpointMs;
            while (!token.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? result = null;
                try
                {
                    result = _consumer!.Consume(PollMs);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    Log.LearnerConsumeError(_logger, e.Error.Code, e.Error.Reason);
                }

                if (result is not null && !result.IsPartitionEOF)
                {
                    Process(result, values, indices, ref released);
                }

                var now = Environment.TickCount64;
                if (now >= nextCheck)
                {
                    nextCheck = now + _options.Learner.CheckIntervalMs;
                    Check();
                }

                if (now >= nextCheckpoint)
                {
                    nextCheckpoint = now + CheckpointMs;
                    Checkpoint();
                }
            }

            FlushTallies();
            if (Graceful)
            {
                Checkpoint();
                _consumer!.Close();
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    Log.LearnerStopped(_logger, _learned, FormatOffsets(CoveredOffsets(), null));
                }
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
            _consumer?.Dispose();
        }
    }

    private long CheckpointMs => (long)(_options.Learner.CheckpointIntervalSeconds * 1000);

    private void Start(CancellationToken token)
    {
        _spec = FeatureSpec.Load(_paths.Resolve(_options.FeatureSpecPath));
        _hasher = new FeatureHasher(_spec);
        _registry = new ModelRegistry(_paths.Resolve(_registryOptions.Path), _registryOptions.Retain);
        Directory.CreateDirectory(Path.GetDirectoryName(_checkpointPath)!);
        var checkpoint = LearnerCheckpoint.Load(_checkpointPath);
        if (checkpoint is not null && checkpoint.State!.Spec.Fingerprint != _spec.Fingerprint)
        {
            throw new InvalidOperationException(
                $"the learner checkpoint '{_checkpointPath}' was trained with feature spec {checkpoint.State.Spec.FingerprintHex}, but {TrainerOptions.SectionName}:FeatureSpecPath gives {_spec.FingerprintHex}; move the checkpoint away to start a new model line");
        }

        _learner = checkpoint is not null ? new FtrlLearner(checkpoint.State!) : new FtrlLearner(_spec, _options.Learner.ToFtrlOptions());
        _holdout = new HoldoutBuffer(_hasher.FeatureCount, _options.Learner.HoldoutExamples);
        _downsampler = _options.Learner.NegativeSamplingRate < 1 ? new NegativeDownsampler(_options.Learner.NegativeSamplingRate) : null;
        _scheduler = new RetrainScheduler(_spec, _policy.CurrentValue);
        if (checkpoint is not null)
        {
            _scheduler.Restore(checkpoint.Scheduler);
            foreach (var (partition, offset) in checkpoint.Offsets)
            {
                _next[partition] = offset;
            }

            _startOffsets = new Dictionary<int, long>(checkpoint.StartOffsets);
            _learned = checkpoint.Learned;
            _sampledOut = checkpoint.SampledOut;
            _positives = checkpoint.Positives;
            _fromUtc = checkpoint.FromUtc;
            _toUtc = checkpoint.ToUtc;
            _cpuSincePublish = checkpoint.CpuSincePublish;
        }

        RefreshChampion(force: true);
        _cpuMark = CpuClock.ThreadSeconds();
        _publishWallStart = Environment.TickCount64;

        var config = _clients.CreateConsumerConfig(_options.Learner.GroupId);
        config.EnableAutoCommit = false;
        // One topic, no headers or timestamps read: nothing of them marshalled (and allocated) per message.
        config.ConsumeResultFields = "none";
        _consumer = new ConsumerBuilder<string, byte[]>(config).SetLogHandler((_, message) => LogLibrdkafka(message)).Build();
        var partitions = ExamplePartitions(token);
        var committed = Committed(partitions);
        _consumer.Assign(partitions.Select(p => new TopicPartitionOffset(_topic, p,
            _next.TryGetValue(p, out var next) ? new Offset(next) : committed.GetValueOrDefault(p, Offset.Beginning))));
        _status.SetLearned(_learned);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.LearnerStarted(_logger, partitions.Count, _topic, _learned, FormatOffsets(_next, null));
        }
    }

    private List<int> ExamplePartitions(CancellationToken token)
    {
        using var admin = new AdminClientBuilder(_clients.CreateAdminClientConfig()).SetLogHandler((_, message) => LogLibrdkafka(message)).Build();
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

    private Dictionary<int, Offset> Committed(List<int> partitions)
    {
        try
        {
            return _consumer!.Committed(partitions.Select(p => new TopicPartition(_topic, p)), TimeSpan.FromSeconds(10))
                .Where(c => !c.Offset.IsSpecial)
                .ToDictionary(c => c.Partition.Value, c => c.Offset);
        }
        catch (KafkaException e)
        {
            Log.LearnerConsumeError(_logger, e.Error.Code, e.Error.Reason);
            return [];
        }
    }

    private void Process(ConsumeResult<string, byte[]> result, FieldValues values, int[] indices, ref HoldoutBuffer.ReleasedEntry released)
    {
        var partition = result.Partition.Value;
        var offset = result.Offset.Value;
        _next[partition] = offset + 1;
        _startOffsets.TryAdd(partition, offset);
        ExampleHead example;
        try
        {
            // Label, times and fields straight from the bytes into the reused field buffer.
            example = ExampleCodec.ReadExample(result.Message.Value ?? [], values);
        }
        catch (EventFormatException e)
        {
            _metrics.LearnerExamples("malformed");
            Log.LearnerMalformed(_logger, partition, offset, e.Message);
            return;
        }

        _hasher.Indices(values, indices);
        var learnerPrediction = _learner.Predict(indices);
        var championPrediction = _scheduler.ObserveArrival(values, indices, example.Clicked, learnerPrediction);
        if (_holdout.Push(indices, example.Clicked, example.ImpressionTimeUnixMs, partition, offset, championPrediction, ref released))
        {
            Learn(ref released);
        }

        _status.SetConsumed(_learned + _sampledOut + _holdout.Count);
    }

    private void Learn(ref HoldoutBuffer.ReleasedEntry entry)
    {
        var importance = 1.0;
        if (_downsampler is not null)
        {
            if (!_downsampler.Keep(entry.Clicked))
            {
                _sampledOut++;
                _unflushedSampledOut++;
                return;
            }

            importance = _downsampler.Importance(entry.Clicked);
        }

        _learner.Learn(entry.Indices, entry.Clicked, importance);
        _learned++;
        _positives += entry.Clicked ? 1 : 0;
        var time = DateTimeOffset.FromUnixTimeMilliseconds(entry.TimeUnixMs);
        _fromUtc = _fromUtc is null || time < _fromUtc ? time : _fromUtc;
        _toUtc = _toUtc is null || time > _toUtc ? time : _toUtc;
        _unflushedLearned++;
        _status.SetLearned(_learned);
    }

    private void FlushTallies()
    {
        _metrics.LearnerExamples("learned", _unflushedLearned);
        _metrics.LearnerExamples("sampled_out", _unflushedSampledOut);
        _unflushedLearned = 0;
        _unflushedSampledOut = 0;
    }

    private void Check()
    {
        FlushTallies();
        if (_policyChanged)
        {
            _policyChanged = false;
            try
            {
                var policy = _policy.CurrentValue;
                _scheduler.UpdateOptions(policy);
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    Log.PolicyReloaded(_logger, Describe(policy));
                }
            }
            catch (OptionsValidationException e)
            {
                Log.PolicyRefused(_logger, string.Join("; ", e.Failures));
            }
        }

        RefreshChampion(force: false);
        var cpu = CpuClock.ThreadSeconds();
        var learnCpu = cpu - _cpuMark;
        _metrics.Windows(_scheduler.Live.LearnerLogLoss, _scheduler.Live.ChampionLogLoss, _scheduler.Drift.MaxPsi().Psi);

        var now = _time.GetUtcNow();
        var decision = _scheduler.Check(now, () => _learner.ToModel(new ModelInfo { ModelId = _options.ModelId, CreatedUtc = now }), _holdout, out var candidate);
        var roundCpu = decision?.RoundCpuSeconds ?? 0;
        _metrics.Cpu("learn", learnCpu - roundCpu);
        _metrics.Cpu("round", roundCpu);
        _cpuSincePublish += learnCpu;
        if (decision is not null)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                Log.RetrainDecided(_logger, decision.OutcomeName, decision.Reason, decision.TriggerName, decision.Details());
            }
            _metrics.Decision(decision);
            var label = candidate is not null ? Publish(candidate, decision, now) : null;
            Record(decision, label);
        }

        _cpuMark = CpuClock.ThreadSeconds();
    }

    /// <summary>Keeps the decision beside the registry index (the last few), for status pages.</summary>
    private void Record(RetrainDecision decision, string? label)
    {
        try
        {
            _registry.RecordDecision(new RegistryDecision
            {
                AtUtc = decision.Time,
                Decision = decision.OutcomeName,
                Reasons = [decision.Reason, "trigger " + decision.TriggerName, decision.Details()],
                Label = label,
                CandidateLogLoss = double.IsFinite(decision.CandidateLogLoss) ? decision.CandidateLogLoss : null,
                ChampionLogLoss = double.IsFinite(decision.ChampionLogLoss) ? decision.ChampionLogLoss : null,
                NewExamples = decision.NewExamples,
            });
        }
        catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
        {
            Log.PublishFailed(_logger, _registry.Directory, e);
        }
    }

    /// <summary>Publishes the candidate with its lineage; returns its label, or null when the registry refused it.</summary>
    private string? Publish(LogisticModel candidate, RetrainDecision decision, DateTimeOffset now)
    {
        var started = CpuClock.ThreadSeconds();
        var metrics = new Dictionary<string, double>(candidate.Info.Metrics, StringComparer.Ordinal)
        {
            ["holdoutLogLoss"] = decision.CandidateLogLoss,
            ["holdoutExamples"] = decision.HoldoutExamples,
        };
        AddFinite(metrics, "championHoldoutLogLoss", decision.ChampionLogLoss);
        AddFinite(metrics, "weightChange", decision.WeightChange);
        AddFinite(metrics, "degradation", decision.Degradation);
        AddFinite(metrics, "psi", decision.Psi);
        var info = candidate.Info with
        {
            TrainingData = new TrainingDataInfo
            {
                Source = "kafka:" + _topic,
                Rows = _learned,
                Positives = _positives,
                FromUtc = _fromUtc,
                ToUtc = _toUtc,
                Offsets = FormatOffsets(CoveredOffsets(), _startOffsets),
            },
            Metrics = metrics,
            Cost = new TrainingCost
            {
                CpuSeconds = _cpuSincePublish + (CpuClock.ThreadSeconds() - _cpuMark),
                WallSeconds = (Environment.TickCount64 - _publishWallStart) / 1000.0,
                ExamplesSeen = _learner.ExamplesSeen,
            },
            Notes = $"{decision.TriggerName}: {decision.Details()}",
        };

        try
        {
            var entry = _registry.Publish(candidate.WithInfo(info), $"{decision.Reason}: {decision.Details()}", makeChampion: true, _time);
            var published = candidate.WithInfo(info with { Version = entry.Version, Parent = entry.Parent });
            _scheduler.Published(published, now, CpuClock.ThreadSeconds() - started);
            _registryRevision = _registry.ReadIndex().Revision;
            _cpuSincePublish = 0;
            _publishWallStart = Environment.TickCount64;
            _status.PublishedOne();
            _status.Champion = entry.Label;
            Log.ModelPublished(_logger, entry.Label, _registry.Directory, decision.Reason);
            return entry.Label;
        }
        catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
        {
            Log.PublishFailed(_logger, _registry.Directory, e);
            return null;
        }
    }

    /// <summary>Picks up a champion changed by someone else (a rollback, another trainer) and, at start, the current one.</summary>
    private void RefreshChampion(bool force)
    {
        RegistryIndex index;
        try
        {
            index = _registry.ReadIndex();
        }
        catch (RegistryException e)
        {
            Log.ChampionUnreadable(_logger, e);
            return;
        }

        if (!force && index.Revision == _registryRevision)
        {
            return;
        }

        _registryRevision = index.Revision;
        if (!force && string.Equals(index.Champion, _scheduler.Champion?.Info.Label, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            var champion = _registry.LoadChampion(out var entry);
            if (champion is null)
            {
                var fallback = _paths.Resolve(_registryOptions.DefaultModelPath);
                champion = File.Exists(fallback) ? ModelFile.Load(fallback) : null;
            }

            if (champion is not null && !ReferenceEquals(champion.Spec.Schema, _spec.Schema))
            {
                champion = null;
            }

            _scheduler.SetChampion(champion);
            _status.Champion = champion?.Info.Label;
            if (champion is not null)
            {
                Log.ChampionChanged(_logger, entry?.Label ?? champion.Info.Label);
            }
        }
        catch (Exception e) when (e is ModelFormatException or IOException or RegistryException)
        {
            Log.ChampionUnreadable(_logger, e);
            _scheduler.SetChampion(null);
        }
    }

    private void Checkpoint()
    {
        var covered = CoveredOffsets();
        var checkpoint = new LearnerCheckpoint
        {
            Offsets = covered,
            StartOffsets = _startOffsets,
            Learned = _learned,
            SampledOut = _sampledOut,
            Positives = _positives,
            FromUtc = _fromUtc,
            ToUtc = _toUtc,
            CpuSincePublish = _cpuSincePublish,
            Scheduler = _scheduler.Export(),
            State = _learner.State,
        };
        checkpoint.Save(_checkpointPath);
        _metrics.LearnerCheckpoint();
        if (covered.Count == 0)
        {
            return;
        }

        try
        {
            _consumer!.Commit(covered.Select(c => new TopicPartitionOffset(_topic, c.Key, c.Value)));
        }
        catch (KafkaException e)
        {
            // The checkpoint holds the offsets; the group's copy catches up at the next checkpoint.
            Log.LearnerConsumeError(_logger, e.Error.Code, e.Error.Reason);
        }
    }

    /// <summary>Per partition, the next offset the learned state does not cover.</summary>
    private Dictionary<int, long> CoveredOffsets()
    {
        var covered = new Dictionary<int, long>(_next);
        var held = new Dictionary<int, long>();
        _holdout.LowestOffsets(held);
        foreach (var (partition, lowest) in held)
        {
            covered[partition] = lowest;
        }

        return covered;
    }

    private string FormatOffsets(Dictionary<int, long> to, Dictionary<int, long>? from) => string.Join(
        ",",
        to.OrderBy(p => p.Key).Select(p => from is null
            ? string.Create(CultureInfo.InvariantCulture, $"{_topic}/{p.Key}:{p.Value}")
            : string.Create(CultureInfo.InvariantCulture, $"{_topic}/{p.Key}:{from.GetValueOrDefault(p.Key, p.Value)}-{p.Value}")));

    private void LogLibrdkafka(LogMessage message)
    {
        var level = (LogLevel)message.LevelAs(LogLevelType.MicrosoftExtensionsLogging);
        if (_logger.IsEnabled(level))
        {
            Log.Librdkafka(_logger, level, message.Facility, message.Name, message.Message);
        }
    }

    private static void AddFinite(Dictionary<string, double> metrics, string key, double value)
    {
        if (double.IsFinite(value))
        {
            metrics[key] = value;
        }
    }

    private static string Describe(RetrainPolicyOptions p) => string.Create(
        CultureInfo.InvariantCulture,
        $"interval {p.IntervalSeconds} s, min {p.MinNewExamples} new examples, margin {p.MinImprovement}, degradation {p.DegradationThreshold}, drift PSI {p.DriftPsiThreshold} on [{string.Join(", ", p.EffectiveDriftFields)}], min weight change {p.MinWeightChange}, budget {p.CpuBudgetSecondsPerHour} CPU s/h");
}
