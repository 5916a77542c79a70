using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

/// <summary>
/// Runs one retrain and publish policy next to a continuously trained learner: watches the champion's
/// live log loss against the learner's and the drift of key fields as examples arrive, decides when a
/// round is due, forms and scores the candidate, asks <see cref="RetrainPolicy"/>, and keeps the
/// schedule's book-keeping (last round, last publish, new examples, the trailing hour's round cost).
/// The trainer service runs one; <c>clickpredict retrain-sim</c> runs one per compared policy next to
/// one shared learner. Not thread-safe.
/// </summary>
public sealed class RetrainScheduler
{
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);

    private readonly FieldSchema _schema;
    private readonly ulong _learnerFingerprint;
    private readonly Queue<(DateTimeOffset At, double Cpu)> _ledger = new();
    private readonly TrainingMeter _meter;
    private RetrainPolicyOptions _options;
    private DriftMonitor _drift;
    private LiveLossWindow _live;
    private LogisticModel? _champion;
    private bool _championSameSpec;
    private LogisticModel? _lastPublished;
    private float[]? _candidateScratch;
    private float[]? _publishedScratch;
    private double _lastCalibrationCpu;

    /// <summary>A scheduler for a learner hashing with <paramref name="learnerSpec"/>; rounds are timed on <paramref name="meter"/> (default: this thread's CPU).</summary>
    public RetrainScheduler(FeatureSpec learnerSpec, RetrainPolicyOptions options, TrainingMeter? meter = null)
    {
        _meter = meter ?? TrainingMeter.Thread;
        ArgumentNullException.ThrowIfNull(learnerSpec);
        ArgumentNullException.ThrowIfNull(options);
        _schema = learnerSpec.Schema;
        _learnerFingerprint = learnerSpec.Fingerprint;
        _options = options.Clone();
        _drift = new DriftMonitor(_schema, _options.EffectiveDriftFields, _options.WindowExamples);
        _live = new LiveLossWindow(_options.WindowExamples);
    }

    /// <summary>The policy in force (a private copy).</summary>
    public RetrainPolicyOptions Options => _options;

    /// <summary>The champion the candidate is compared with; null before any.</summary>
    public LogisticModel? Champion => _champion;

    /// <summary>When the previous round was decided.</summary>
    public DateTimeOffset? LastRoundAt { get; private set; }

    /// <summary>When the last model was published.</summary>
    public DateTimeOffset? LastPublishAt { get; private set; }

    /// <summary>Examples that arrived since the last publish (or since start).</summary>
    public long ExamplesSincePublish { get; private set; }

    /// <summary>Rounds that formed and scored a candidate.</summary>
    public int Trainings { get; private set; }

    /// <summary>Rounds that published.</summary>
    public int Publications { get; private set; }

    /// <summary>When the last calibration was published (or, after a model publish, when that was).</summary>
    public DateTimeOffset? LastCalibrationAt { get; private set; }

    /// <summary>Recalibrate-only rounds, and those of them that published a calibration.</summary>
    public int RecalibrationRounds { get; private set; }

    public int Recalibrations { get; private set; }

    /// <summary>CPU seconds recalibrate-only rounds took (a part of <see cref="RoundCpuSeconds"/>).</summary>
    public double RecalibrationCpuSeconds { get; private set; }

    /// <summary>CPU seconds all rounds took (forming, scoring, publishing).</summary>
    public double RoundCpuSeconds { get; private set; }

    /// <summary>The live comparison of champion and learner.</summary>
    public LiveLossWindow Live => _live;

    /// <summary>The drift watch.</summary>
    public DriftMonitor Drift => _drift;

    /// <summary>CPU seconds rounds spent in the hour before <paramref name="now"/>.</summary>
    public double CpuLastHour(DateTimeOffset now)
    {
        while (_ledger.Count > 0 && _ledger.Peek().At <= now - s_hour)
        {
            _ledger.Dequeue();
        }

        var sum = 0.0;
        foreach (var (_, cpu) in _ledger)
        {
            sum += cpu;
        }

        return sum;
    }

    /// <summary>
    /// Takes a new policy (a configuration reload). A changed window or field list restarts the drift
    /// and live windows; the schedule's book-keeping is kept.
    /// </summary>
    public void UpdateOptions(RetrainPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var next = options.Clone();
        if (next.WindowExamples != _options.WindowExamples || !next.EffectiveDriftFields.SequenceEqual(_options.EffectiveDriftFields, StringComparer.Ordinal))
        {
            _drift = new DriftMonitor(_schema, next.EffectiveDriftFields, next.WindowExamples);
            _live = new LiveLossWindow(next.WindowExamples);
        }

        _options = next;
    }

    /// <summary>
    /// Sets the champion (at start, or when the registry's champion changed under us: a rollback).
    /// The live window restarts; the champion also becomes the weight-change baseline until the next publish.
    /// </summary>
    public void SetChampion(LogisticModel? champion)
    {
        _champion = champion;
        _championSameSpec = champion is not null && champion.Spec.Fingerprint == _learnerFingerprint;
        _lastPublished = _championSameSpec ? champion : null;
        _live.Reset();
    }

    /// <summary>
    /// One arriving example: its fields go to the drift watch, and when a champion serves, its log loss
    /// and the learner's (<paramref name="learnerPrediction"/>, made before learning it) to the live
    /// window. Returns the champion's pCTR (NaN without a champion).
    /// </summary>
    public double ObserveArrival(FieldValues values, ReadOnlySpan<int> indices, bool clicked, double learnerPrediction)
    {
        ArgumentNullException.ThrowIfNull(values);
        ExamplesSincePublish++;
        _drift.Observe(values);
        if (!_drift.HasReference && _drift.Count == _drift.Window)
        {
            _drift.Freeze();
        }

        if (_champion is null)
        {
            return double.NaN;
        }

        var p = _championSameSpec ? _champion.PredictIndices(indices) : _champion.Predict(values);
        _live.Add(BinaryMetrics.LogLoss(p, clicked), BinaryMetrics.LogLoss(learnerPrediction, clicked));
        return p;
    }

    /// <summary>
    /// Decides whether a round is due at <paramref name="now"/> and, if so, runs it: returns the decision
    /// (null when nothing was due) and, when it says publish, the candidate in
    /// <paramref name="publish"/>. After publishing it, call <see cref="Published"/>.
    /// </summary>
    /// <param name="now">The policy clock.</param>
    /// <param name="formCandidate">Forms the candidate from the learner's current state.</param>
    /// <param name="holdout">The examples the learner has not learned, to score candidate and champion on.</param>
    /// <param name="publish">The candidate to publish, or null.</param>
    public RetrainDecision? Check(DateTimeOffset now, Func<LogisticModel> formCandidate, HoldoutBuffer holdout, out LogisticModel? publish)
    {
        ArgumentNullException.ThrowIfNull(formCandidate);
        ArgumentNullException.ThrowIfNull(holdout);
        publish = null;
        var (psi, psiField) = _drift.Count >= _options.MinWindowExamples ? _drift.MaxPsi() : (double.NaN, null);
        var degradation = _live.Degradation(_options.MinWindowExamples);
        var cpuLastHour = CpuLastHour(now);
        var expected = _ledger.Count > 0 ? _ledger.Last().Cpu : 0;
        var situation = new RetrainPolicy.Situation(now, LastRoundAt, _champion is not null, ExamplesSincePublish, degradation, psi, cpuLastHour, expected);
        var trigger = RetrainPolicy.Trigger(_options, situation);
        if (trigger == RetrainTrigger.None)
        {
            return null;
        }

        LastRoundAt = now;
        var decision = new RetrainDecision
        {
            Time = now,
            Trigger = trigger,
            Outcome = RetrainOutcome.Skip,
            Reason = RetrainReason.NoCandidate,
            NewExamples = ExamplesSincePublish,
            Degradation = degradation,
            Psi = psi,
            PsiField = psiField,
            CpuLastHour = cpuLastHour,
        };

        var skip = RetrainPolicy.PreCheck(_options, situation);
        if (skip is not null)
        {
            return decision with { Reason = skip };
        }

        var started = _meter.CpuSeconds();
        LogisticModel? candidate;
        try
        {
            candidate = formCandidate();
        }
        catch (InvalidOperationException)
        {
            // Non-finite weights: the learner refused to form a model.
            candidate = null;
        }

        var candidateLoss = candidate is null ? double.NaN : holdout.LogLoss(candidate);
        var championLoss = _champion is null ? double.NaN
            : _championSameSpec ? holdout.LogLoss(_champion) : holdout.ReferenceLogLoss();
        var weightChange = candidate is null ? double.NaN : WeightChange(candidate);
        var cpu = _meter.CpuSeconds() - started;
        Charge(now, cpu);
        Trainings++;

        var (outcome, reason) = RetrainPolicy.Judge(_options, trigger, candidateLoss, championLoss, weightChange);
        if (outcome == RetrainOutcome.Publish)
        {
            publish = candidate;
        }

        return decision with
        {
            Outcome = outcome,
            Reason = reason,
            CandidateLogLoss = candidateLoss,
            ChampionLogLoss = championLoss,
            HoldoutExamples = holdout.Count,
            WeightChange = weightChange,
            RoundCpuSeconds = cpu,
            Trained = true,
        };
    }

    /// <summary>
    /// When no retrain round is due at <paramref name="now"/>: runs a recalibrate-only round if one is due
    /// (<see cref="RetrainPolicy.RecalibrationDue"/>), gated by <see cref="RetrainPolicy.JudgeCalibration"/>.
    /// Returns the decision (null when none was due) and, when it says recalibrate, the calibration to publish
    /// in <paramref name="publish"/>; after publishing it, call <see cref="CalibrationPublished"/>.
    /// </summary>
    public RetrainDecision? CheckCalibration(DateTimeOffset now, LiveCalibration calibration, out CalibrationShift? publish)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        publish = null;
        if (!RetrainPolicy.RecalibrationDue(_options, now, _champion is not null, LastCalibrationAt ?? LastPublishAt))
        {
            return null;
        }

        LastCalibrationAt = now;
        var cpuLastHour = CpuLastHour(now);
        var started = _meter.CpuSeconds();
        var live = calibration.RecentLogLoss;
        var serving = calibration.RecentServingLogLoss;
        var (outcome, reason) = RetrainPolicy.JudgeCalibration(_options, calibration.Examples, live, serving, cpuLastHour, _lastCalibrationCpu);
        var snapshot = outcome == RetrainOutcome.Recalibrate ? calibration.Snapshot(now, _champion?.Info.Label) : null;
        var cpu = _meter.CpuSeconds() - started;
        Charge(now, cpu);
        RecalibrationRounds++;
        RecalibrationCpuSeconds += cpu;
        publish = snapshot;
        return new RetrainDecision
        {
            Time = now,
            Trigger = RetrainTrigger.Recalibrate,
            Outcome = outcome,
            Reason = reason,
            NewExamples = calibration.Examples,
            CalibrationLogLoss = live,
            ServingCalibrationLogLoss = serving,
            UncalibratedLogLoss = calibration.RecentUncalibratedLogLoss,
            GlobalShift = calibration.GlobalShift,
            CpuLastHour = cpuLastHour,
            RoundCpuSeconds = cpu,
        };
    }

    /// <summary>Records that a calibration was published at <paramref name="now"/>; <paramref name="publishCpuSeconds"/> (writing it) is charged to the round.</summary>
    public void CalibrationPublished(DateTimeOffset now, double publishCpuSeconds = 0)
    {
        LastCalibrationAt = now;
        Recalibrations++;
        _lastCalibrationCpu = publishCpuSeconds;
        if (publishCpuSeconds > 0)
        {
            Charge(now, publishCpuSeconds);
            RecalibrationCpuSeconds += publishCpuSeconds;
        }
    }

    /// <summary>
    /// Records that <paramref name="model"/> was published at <paramref name="now"/> and is the champion
    /// now; <paramref name="publishCpuSeconds"/> (writing it out) is charged to the round.
    /// </summary>
    public void Published(LogisticModel model, DateTimeOffset now, double publishCpuSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        SetChampion(model);
        _lastPublished = model;
        LastPublishAt = now;
        LastCalibrationAt = now;
        ExamplesSincePublish = 0;
        Publications++;
        _drift.Freeze();
        if (publishCpuSeconds > 0)
        {
            Charge(now, publishCpuSeconds);
        }
    }

    /// <summary>The book-keeping to checkpoint.</summary>
    public SchedulerState Export() => new()
    {
        LastRoundAt = LastRoundAt,
        LastPublishAt = LastPublishAt,
        ExamplesSincePublish = ExamplesSincePublish,
        Trainings = Trainings,
        Publications = Publications,
        RoundCpuSeconds = RoundCpuSeconds,
        Ledger = [.. _ledger.Select(e => new SchedulerState.CostEntry { At = e.At, CpuSeconds = e.Cpu })],
        DriftFields = [.. _drift.Fields],
        DriftReference = _drift.ExportReference(),
    };

    /// <summary>Restores book-keeping saved by <see cref="Export"/>.</summary>
    public void Restore(SchedulerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        LastRoundAt = state.LastRoundAt;
        LastPublishAt = state.LastPublishAt;
        ExamplesSincePublish = state.ExamplesSincePublish;
        Trainings = state.Trainings;
        Publications = state.Publications;
        RoundCpuSeconds = state.RoundCpuSeconds;
        _ledger.Clear();
        foreach (var entry in state.Ledger)
        {
            _ledger.Enqueue((entry.At, entry.CpuSeconds));
        }

        if (state.DriftFields.SequenceEqual(_drift.Fields, StringComparer.Ordinal))
        {
            _drift.RestoreReference(state.DriftReference);
        }
    }

    private void Charge(DateTimeOffset now, double cpu)
    {
        _ledger.Enqueue((now, cpu));
        RoundCpuSeconds += cpu;
    }

    /// <summary>Relative L2 distance of the candidate's weights (bias included) from the last published ones; NaN without a comparable baseline.</summary>
    private double WeightChange(LogisticModel candidate)
    {
        var baseline = _lastPublished;
        if (baseline is null || baseline.Spec.Fingerprint != candidate.Spec.Fingerprint)
        {
            return double.NaN;
        }

        var size = candidate.Spec.Size;
        if (_candidateScratch is null || _candidateScratch.Length != size)
        {
            _candidateScratch = new float[size];
            _publishedScratch = new float[size];
        }

        candidate.CopyWeightsTo(_candidateScratch);
        baseline.CopyWeightsTo(_publishedScratch);
        var db = candidate.Bias - baseline.Bias;
        double difference = db * db, norm = baseline.Bias * baseline.Bias;
        var c = _candidateScratch;
        var p = _publishedScratch!;
        for (var i = 0; i < c.Length; i++)
        {
            double d = c[i] - p[i];
            difference += d * d;
            norm += (double)p[i] * p[i];
        }

        return norm > 0 ? Math.Sqrt(difference / norm) : double.PositiveInfinity;
    }
}
