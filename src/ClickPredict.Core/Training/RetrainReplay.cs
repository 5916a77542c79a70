using ClickPredict.Core.Features;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Registry;

namespace ClickPredict.Core.Training;

/// <summary>
/// Replays a time-ordered stream of labelled examples through several retrain policies side by side:
/// what <c>clickpredict retrain-sim</c> reports. Each policy gets an <see cref="OnlineTrainer"/> of its
/// own, the object the trainer service runs, fed exactly as the service feeds it, so a policy's decisions
/// here are the service's on the same stream. Each example is scored by every policy's serving model
/// (its champion) before anything learns it, so the average log loss of the serving model is an honest
/// "live" figure. Not thread-safe.
/// </summary>
public sealed class RetrainReplay
{
    private readonly Lane[] _lanes;

    /// <param name="spec">The feature spec every model uses.</param>
    /// <param name="options">The trainers' learning, holdout and cadence (the service's <c>Trainer:Learner</c>).</param>
    /// <param name="policies">The policies to compare, by name.</param>
    /// <param name="meter">CPU and wall clocks (default: this thread's; <see cref="TrainingMeter.Frozen"/> for reproducible files).</param>
    /// <param name="registries">Per policy name, a registry to publish into as the service does (null: publishing is only timed).</param>
    public RetrainReplay(FeatureSpec spec, OnlineTrainerOptions options, IReadOnlyList<(string Name, RetrainPolicyOptions Policy)> policies, TrainingMeter? meter = null, Func<string, ModelRegistry?>? registries = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policies);
        if (policies.Count == 0)
        {
            throw new ArgumentException("at least one policy is needed", nameof(policies));
        }

        _lanes = [.. policies.Select(p => new Lane(p.Name, new OnlineTrainer(spec, options, p.Policy, meter: meter), registries?.Invoke(p.Name)))];
    }

    /// <summary>Examples replayed after the warm-up.</summary>
    public long Examples { get; private set; }

    /// <summary>CPU seconds the trainers spent observing and learning (every policy's), rounds apart.</summary>
    public double LearnCpuSeconds => _lanes.Sum(l => l.LearnCpu);

    /// <summary>Learns a warm-up example (before the replay proper; nobody serves yet). Call <see cref="PublishInitial"/> after the last one.</summary>
    public void WarmUp(FieldValues values, bool clicked)
    {
        foreach (var lane in _lanes)
        {
            lane.Trainer.WarmUp(values, clicked);
        }
    }

    /// <summary>Every policy's warmed-up model serves first: the starting point, like a shipped default, not a publication.</summary>
    public void PublishInitial(DateTimeOffset time)
    {
        foreach (var lane in _lanes)
        {
            // Not in a registry: with one, no calibration can be published beside it.
            lane.Trainer.SetChampion(lane.Trainer.Model(time), calibratable: !lane.HasRegistry);
        }
    }

    /// <summary>Replays one example that happened at <paramref name="time"/> (read at <paramref name="offset"/> of <paramref name="partition"/>, when it has one).</summary>
    public void Add(FieldValues values, bool clicked, DateTimeOffset time, int partition = 0, long offset = -1)
    {
        var timeMs = time.ToUnixTimeMilliseconds();
        offset = offset >= 0 ? offset : Examples;
        foreach (var lane in _lanes)
        {
            var trainer = lane.Trainer;
            var started = CpuClock.ThreadSeconds();
            var score = trainer.Observe(values, clicked, timeMs, partition, offset);
            lane.LearnCpu += CpuClock.ThreadSeconds() - started;
            // What serves is the champion with the calibration last published for it (none: the model alone).
            var served = trainer.Calibration is { } calibration && double.IsFinite(score.Champion) ? calibration.Serving.Apply(score.Champion, values) : score.Champion;
            lane.LossSum += BinaryMetrics.LogLoss(served, clicked);
            if (trainer.CheckDue)
            {
                lane.Decide();
            }
        }

        Examples++;
    }

    /// <summary>Per policy: rounds run, models published, CPU, and the serving model's average log loss.</summary>
    public IReadOnlyList<RetrainReplayResult> Results() => [.. _lanes.Select(l => new RetrainReplayResult
    {
        Policy = l.Name,
        Trainings = l.Trainer.Scheduler!.Trainings,
        Published = l.Trainer.Scheduler.Publications,
        Decisions = l.Log.Count,
        RetrainCpuSeconds = l.Trainer.Scheduler.RoundCpuSeconds,
        LearnCpuSeconds = l.LearnCpu,
        Examples = Examples,
        ServingLogLoss = Examples > 0 ? l.LossSum / Examples : double.NaN,
    })];

    /// <summary>Decisions of every policy so far, in order, with the policy's name.</summary>
    public IEnumerable<(string Policy, RetrainDecision Decision)> Decisions() =>
        _lanes.SelectMany(l => l.Log.Select(d => (l.Name, d)));

    private sealed class Lane(string name, OnlineTrainer trainer, ModelRegistry? registry)
    {
        public string Name { get; } = name;

        public OnlineTrainer Trainer { get; } = trainer;

        public bool HasRegistry => registry is not null;

        public double LossSum { get; set; }

        public double LearnCpu { get; set; }

        public List<RetrainDecision> Log { get; } = [];

        public void Decide()
        {
            var round = Trainer.Decide();
            if (round is null)
            {
                return;
            }

            Log.Add(round.Decision);
            string? label = null;
            if (round.Candidate is not null || round.Calibration is not null)
            {
                if (registry is null)
                {
                    RegistryRounds.PublishInMemory(Trainer, round);
                }
                else
                {
                    label = round.Calibration is not null ? RegistryRounds.PublishCalibration(registry, Trainer, round) : RegistryRounds.Publish(registry, Trainer, round).Label;
                }
            }

            if (registry is not null)
            {
                RegistryRounds.Record(registry, round.Decision, label);
            }
        }
    }
}
