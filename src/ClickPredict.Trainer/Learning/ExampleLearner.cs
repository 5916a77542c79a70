using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Training;
using ClickPredict.Kafka.Consuming;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Learning;

// CA1873: the few log lines that format figures (policy reload, one per retrain decision) are guarded by
// IsEnabled and run at most once per check; the analyzer does not see the guard.
#pragma warning disable CA1873

/// <summary>
/// The learner's work on its consume loop's thread: each example of the examples topic decoded and fed to
/// the <see cref="OnlineTrainer"/>; the rounds it decides published (<see cref="LearnerRegistry"/>); on the
/// wall clock, every <c>CheckIntervalMs</c>, a policy reload or a champion changed in the registry taken
/// (each followed by a consultation of the policy) and the metrics brought up to date, and every
/// <c>CheckpointIntervalSeconds</c> a checkpoint (<see cref="LearnerCheckpoint"/>) after which, only, the
/// offsets it covers are committed.
/// </summary>
internal sealed class ExampleLearner : ConsumeHandler<string, byte[]>
{
    private readonly OnlineTrainer _trainer;
    private readonly LearnerRegistry _registry;
    private readonly IOptionsMonitor<RetrainPolicyOptions> _policy;
    private readonly string _checkpointPath;
    private readonly string _topic;
    private readonly long _checkMs;
    private readonly long _checkpointMs;
    private readonly TrainerMetrics _metrics;
    private readonly TrainerStatus _status;
    private readonly ILogger _logger;
    private readonly FieldValues _values;
    private volatile bool _policyChanged;
    private long _nextCheck;
    private long _nextCheckpoint;
    private long _flushedLearned;
    private long _flushedSampledOut;
    private double _cpuMark = CpuClock.ThreadSeconds();
    private double _roundCpu;

    public ExampleLearner(OnlineTrainer trainer, LearnerRegistry registry, IOptionsMonitor<RetrainPolicyOptions> policy, string checkpointPath, string topic, TimeSpan check, TimeSpan checkpoint, TrainerMetrics metrics, TrainerStatus status, ILogger logger)
    {
        _trainer = trainer;
        _registry = registry;
        _policy = policy;
        _checkpointPath = checkpointPath;
        _topic = topic;
        _checkMs = (long)check.TotalMilliseconds;
        _checkpointMs = (long)checkpoint.TotalMilliseconds;
        _metrics = metrics;
        _status = status;
        _logger = logger;
        _values = new FieldValues(trainer.Spec.Schema);
        _nextCheckpoint = Environment.TickCount64 + _checkpointMs;
        _flushedLearned = trainer.Learned;
        _flushedSampledOut = trainer.SampledOut;
        policy.OnChange(_ => _policyChanged = true);
    }

    /// <summary>The loop whose consumer commits the covered offsets (set before it runs).</summary>
    public ConsumeLoop<string, byte[]>? Loop { get; set; }

    public override void OnMessage(ConsumeResult<string, byte[]> result)
    {
        var partition = result.Partition.Value;
        var offset = result.Offset.Value;
        ExampleHead example;
        try
        {
            // Label, times and fields straight from the bytes into the reused field buffer.
            example = ExampleCodec.ReadExample(result.Message.Value ?? [], _values);
        }
        catch (EventFormatException e)
        {
            _trainer.Skip(partition, offset);
            _metrics.LearnerExamples("malformed");
            Log.LearnerMalformed(_logger, partition, offset, e.Message);
            return;
        }

        _trainer.Observe(_values, example.Clicked, example.ImpressionTimeUnixMs, partition, offset);
        if (_trainer.CheckDue)
        {
            Decide();
        }

        _status.SetLearned(_trainer.Learned);
        _status.SetConsumed(_trainer.Learned + _trainer.SampledOut + _trainer.Held);
    }

    public override void OnTick()
    {
        var now = Environment.TickCount64;
        if (now >= _nextCheck)
        {
            _nextCheck = now + _checkMs;
            Check();
        }

        if (now >= _nextCheckpoint)
        {
            _nextCheckpoint = now + _checkpointMs;
            Checkpoint();
        }
    }

    public override void OnStopping()
    {
        FlushTallies();
        Checkpoint();
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.LearnerStopped(_logger, _trainer.Learned, _trainer.FormatOffsets(_trainer.CoveredOffsets()));
        }
    }

    /// <summary>Writes the checkpoint, then commits the offsets it covers (the group's copy is for lag monitoring).</summary>
    public void Checkpoint()
    {
        var state = _trainer.Export();
        LearnerCheckpoint.Save(state, _checkpointPath);
        _metrics.LearnerCheckpoint();
        if (state.Offsets.Count == 0 || Loop is null)
        {
            return;
        }

        try
        {
            Loop.Commit(state.Offsets.Select(c => new TopicPartitionOffset(_topic, c.Key, c.Value)));
        }
        catch (KafkaException e)
        {
            // The checkpoint holds the offsets; the group's copy catches up at the next checkpoint.
            Log.LearnerConsumeError(_logger, e.Error.Code, e.Error.Reason);
        }
    }

    private void Check()
    {
        FlushTallies();
        var changed = false;
        if (_policyChanged)
        {
            _policyChanged = false;
            try
            {
                var policy = _policy.CurrentValue;
                _trainer.UpdatePolicy(policy);
                changed = true;
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

        changed |= _registry.Refresh(_trainer, force: false);
        if (changed)
        {
            // Something outside the stream changed: the policy may see a round due now.
            Decide();
        }

        var scheduler = _trainer.Scheduler!;
        _metrics.Windows(scheduler.Live.LearnerLogLoss, scheduler.Live.ChampionLogLoss, scheduler.Drift.MaxPsi().Psi);
        var cpu = CpuClock.ThreadSeconds();
        _metrics.Cpu("learn", cpu - _cpuMark - _roundCpu);
        _metrics.Cpu("round", _roundCpu);
        _cpuMark = cpu;
        _roundCpu = 0;
    }

    private void Decide()
    {
        var round = _trainer.Decide();
        if (round is null)
        {
            return;
        }

        var decision = round.Decision;
        if (_logger.IsEnabled(LogLevel.Information))
        {
            Log.RetrainDecided(_logger, decision.OutcomeName, decision.Reason, decision.TriggerName, decision.Details());
        }

        _metrics.Decision(decision);
        _roundCpu += decision.RoundCpuSeconds;
        _registry.Apply(_trainer, round);
    }

    /// <summary>Adds what was learned and sampled out since the last check to the metric (a tagged counter per example costs as much as learning it).</summary>
    private void FlushTallies()
    {
        _metrics.LearnerExamples("learned", _trainer.Learned - _flushedLearned);
        _metrics.LearnerExamples("sampled_out", _trainer.SampledOut - _flushedSampledOut);
        _flushedLearned = _trainer.Learned;
        _flushedSampledOut = _trainer.SampledOut;
    }

    private static string Describe(RetrainPolicyOptions p) => string.Create(
        CultureInfo.InvariantCulture,
        $"interval {p.IntervalSeconds} s, min {p.MinNewExamples} new examples, margin {p.MinImprovement}, degradation {p.DegradationThreshold}, drift PSI {p.DriftPsiThreshold} on [{string.Join(", ", p.EffectiveDriftFields)}], min weight change {p.MinWeightChange}, budget {p.CpuBudgetSecondsPerHour} CPU s/h");
}
