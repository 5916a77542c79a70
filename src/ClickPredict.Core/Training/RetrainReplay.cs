using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

/// <summary>
/// Replays a time-ordered stream of labelled examples through one continuously trained FTRL learner
/// and several retrain policies side by side, each with its own <see cref="RetrainScheduler"/> (the code
/// the trainer service runs) and its own serving model: what <c>clickpredict retrain-sim</c> reports.
/// The learner's work is the same whatever the policy (it learns every example); what a policy changes
/// is how often it forms, scores and publishes candidates, and so how fresh the model it serves is.
/// Each example is scored by every policy's serving model before anything learns it, so the average
/// log loss of the serving model is an honest "live" figure. Not thread-safe.
/// </summary>
public sealed class RetrainReplay
{
    private readonly FeatureHasher _hasher;
    private readonly FtrlLearner _learner;
    private readonly HoldoutBuffer _holdout;
    private readonly Lane[] _lanes;
    private readonly int[] _indices;
    private readonly int _checkEvery;
    private HoldoutBuffer.ReleasedEntry _released;
    private long _examples;
    private double _learnCpu;

    /// <param name="spec">The feature spec every model uses.</param>
    /// <param name="ftrl">The learner's hyper-parameters.</param>
    /// <param name="holdoutExamples">Examples held back for scoring candidate and champion.</param>
    /// <param name="policies">The policies to compare, by name.</param>
    /// <param name="checkEveryExamples">How often (in examples) each policy is consulted.</param>
    public RetrainReplay(FeatureSpec spec, FtrlOptions ftrl, int holdoutExamples, IReadOnlyList<(string Name, RetrainPolicyOptions Policy)> policies, int checkEveryExamples = 500)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkEveryExamples, 1);
        if (policies.Count == 0)
        {
            throw new ArgumentException("at least one policy is needed", nameof(policies));
        }

        _hasher = new FeatureHasher(spec);
        _learner = new FtrlLearner(spec, ftrl);
        _holdout = new HoldoutBuffer(_hasher.FeatureCount, holdoutExamples);
        _indices = new int[_hasher.FeatureCount];
        _released = new HoldoutBuffer.ReleasedEntry(new int[_hasher.FeatureCount], false, 0, 0, 0);
        _checkEvery = checkEveryExamples;
        _lanes = [.. policies.Select(p => new Lane(p.Name, new RetrainScheduler(spec, p.Policy)))];
    }

    /// <summary>Examples replayed after the warm-up.</summary>
    public long Examples => _examples;

    /// <summary>CPU seconds the shared learner spent (hashing and learning), common to every policy.</summary>
    public double LearnCpuSeconds => _learnCpu;

    /// <summary>
    /// Learns a warm-up example (before the replay proper; nobody serves yet). Call
    /// <see cref="PublishInitial"/> after the last one.
    /// </summary>
    public void WarmUp(FieldValues values, bool clicked)
    {
        _hasher.Indices(values, _indices);
        _learner.Learn(_indices, clicked);
    }

    /// <summary>Publishes the warmed-up model as every policy's first serving model.</summary>
    public void PublishInitial(DateTimeOffset time)
    {
        var model = _learner.ToModel(new ModelInfo { ModelId = "replay", CreatedUtc = time });
        foreach (var lane in _lanes)
        {
            // The starting point, like a shipped default: serving, but not a publication of the policy.
            lane.Scheduler.SetChampion(model);
        }
    }

    /// <summary>Replays one example that happened at <paramref name="time"/>.</summary>
    public void Add(FieldValues values, bool clicked, DateTimeOffset time)
    {
        var started = CpuClock.ThreadSeconds();
        _hasher.Indices(values, _indices);
        var learnerPrediction = _learner.Predict(_indices);
        _learnCpu += CpuClock.ThreadSeconds() - started;

        foreach (var lane in _lanes)
        {
            var served = lane.Scheduler.ObserveArrival(values, _indices, clicked, learnerPrediction);
            lane.LossSum += BinaryMetrics.LogLoss(served, clicked);
        }

        started = CpuClock.ThreadSeconds();
        if (_holdout.Push(_indices, clicked, time.ToUnixTimeMilliseconds(), 0, _examples, double.NaN, ref _released))
        {
            _learner.Learn(_released.Indices, _released.Clicked);
        }

        _learnCpu += CpuClock.ThreadSeconds() - started;
        _examples++;
        if (_examples % _checkEvery == 0)
        {
            Check(time);
        }
    }

    /// <summary>Per policy: rounds run, models published, CPU, and the serving model's average log loss.</summary>
    public IReadOnlyList<RetrainReplayResult> Results() => [.. _lanes.Select(l => new RetrainReplayResult
    {
        Policy = l.Name,
        Trainings = l.Scheduler.Trainings,
        Published = l.Scheduler.Publications,
        Decisions = l.Decisions,
        RetrainCpuSeconds = l.Scheduler.RoundCpuSeconds,
        LearnCpuSeconds = _learnCpu,
        Examples = _examples,
        ServingLogLoss = _examples > 0 ? l.LossSum / _examples : double.NaN,
    })];

    /// <summary>Decisions of every policy so far, in order, with the policy's name.</summary>
    public IEnumerable<(string Policy, RetrainDecision Decision)> Decisions() =>
        _lanes.SelectMany(l => l.Log.Select(d => (l.Name, d)));

    private void Check(DateTimeOffset time)
    {
        foreach (var lane in _lanes)
        {
            var decision = lane.Scheduler.Check(time, () => _learner.ToModel(new ModelInfo { ModelId = "replay", CreatedUtc = time }), _holdout, out var candidate);
            if (decision is null)
            {
                continue;
            }

            lane.Decisions++;
            lane.Log.Add(decision);
            if (candidate is not null)
            {
                // What publishing costs the service: the model file written out (serialised, checksummed).
                var started = CpuClock.ThreadSeconds();
                _ = ModelFile.Serialize(candidate);
                lane.Scheduler.Published(candidate, time, CpuClock.ThreadSeconds() - started);
            }
        }
    }

    private sealed class Lane(string name, RetrainScheduler scheduler)
    {
        public string Name { get; } = name;

        public RetrainScheduler Scheduler { get; } = scheduler;

        public double LossSum { get; set; }

        public int Decisions { get; set; }

        public List<RetrainDecision> Log { get; } = [];
    }
}

/// <summary>One policy's figures from a <see cref="RetrainReplay"/>.</summary>
public sealed record RetrainReplayResult
{
    public required string Policy { get; init; }

    /// <summary>Rounds that formed and scored a candidate.</summary>
    public int Trainings { get; init; }

    public int Published { get; init; }

    public int Decisions { get; init; }

    /// <summary>CPU seconds of this policy's rounds (forming, scoring and writing candidates).</summary>
    public double RetrainCpuSeconds { get; init; }

    /// <summary>CPU seconds of the continuous learner, the same for every policy.</summary>
    public double LearnCpuSeconds { get; init; }

    /// <summary>Learning plus this policy's rounds.</summary>
    public double CpuSeconds => RetrainCpuSeconds + LearnCpuSeconds;

    public long Examples { get; init; }

    /// <summary>Average log loss of the model this policy served, over every replayed example.</summary>
    public double ServingLogLoss { get; init; }
}
