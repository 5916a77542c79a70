using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

/// <summary>
/// The one online-training core: hashes each labelled example with the feature spec, scores it with the
/// learner and the champion, holds the most recent examples back (<see cref="HoldoutBuffer"/>), learns the
/// oldest as it leaves (negative down-sampling with importance weights when configured), and consults
/// the retrain policy (<see cref="RetrainScheduler"/>) on its own cadence in event time, forming and
/// scoring a candidate with its lineage when a round is due. The trainer service,
/// <c>clickpredict retrain-sim</c> (<see cref="RetrainReplay"/>) and <c>clickpredict backtest
/// --progressive</c> all drive this object and none of them re-creates its parts, so what the simulator
/// advises is what the service does. Not thread-safe: one trainer per thread.
/// </summary>
/// <remarks>
/// <para>Its clock is event time: the latest example time seen. Rounds are decided at the first example
/// <c>CheckIntervalMs</c> after the last consultation (or every <c>CheckEveryExamples</c>), so the same
/// example stream gives the same decisions and, with a <see cref="TrainingMeter.Frozen"/> meter, the same
/// model files, whoever feeds it and however fast. A driver may also call <see cref="Decide"/> when
/// something outside the stream changed (a policy reload, a champion rolled back).</para>
/// <para>Calibration between retrains (issue 15) belongs here too: it sees every example's champion
/// score before the label, as <see cref="Observe"/> returns it.</para>
/// </remarks>
public sealed partial class OnlineTrainer
{
    private readonly OnlineTrainerOptions _options;
    private readonly FeatureHasher _hasher;
    private readonly FtrlLearner _learner;
    private readonly HoldoutBuffer _holdout;
    private readonly NegativeDownsampler? _downsampler;
    private readonly RetrainScheduler? _scheduler;
    private readonly TrainingMeter _meter;
    private readonly LiveCalibration? _calibration;
    private readonly int[] _indices;
    private readonly Dictionary<int, long> _next = [];
    private readonly Dictionary<int, long> _startOffsets;
    // Learned at once, nothing to hold or sample: the learner's own pre-update score is the prediction.
    private readonly bool _direct;
    private HoldoutBuffer.ReleasedEntry _released;
    private bool _championCalibratable = true;
    private string? _championChecksum;
    private FieldValues? _noValues;
    // A checkpointed calibration, restored when its champion is set; and the offsets it has observed up to.
    private LiveCalibrationState? _restoredCalibration;
    private Dictionary<int, long>? _calibratedUpTo;
    private long _nextCheckMs;
    private long _clockMs;
    private double _cpuSincePublish;
    private double _cpuMark;
    private double _wallMark;

    /// <param name="spec">The feature spec every example is hashed with.</param>
    /// <param name="options">Learning, holdout and cadence.</param>
    /// <param name="policy">The retrain policy; null for a learner that never forms candidates (a progressive back-test).</param>
    /// <param name="state">Where a previous trainer stopped (a checkpoint), or null to start fresh.</param>
    /// <param name="meter">CPU and wall clocks charged to rounds and lineage (default: this thread's).</param>
    public OnlineTrainer(FeatureSpec spec, OnlineTrainerOptions options, RetrainPolicyOptions? policy, OnlineTrainerState? state = null, TrainingMeter? meter = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate(nameof(OnlineTrainer));
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        if (state?.State is { } restored && restored.Spec.Fingerprint != spec.Fingerprint)
        {
            throw new ArgumentException($"the state was trained with feature spec {restored.Spec.FingerprintHex}, not {spec.FingerprintHex}", nameof(state));
        }

        _options = options;
        _meter = meter ?? TrainingMeter.Thread;
        Spec = spec;
        _hasher = new FeatureHasher(spec);
        _indices = new int[_hasher.FeatureCount];
        _learner = state?.State is { } ftrl ? new FtrlLearner(ftrl) : new FtrlLearner(spec, options.Ftrl);
        _holdout = new HoldoutBuffer(_hasher.FeatureCount, options.HoldoutExamples);
        _released = new HoldoutBuffer.ReleasedEntry(new int[_hasher.FeatureCount], false, 0, 0, 0);
        _downsampler = options.NegativeSamplingRate < 1 ? new NegativeDownsampler(options.NegativeSamplingRate, options.SamplingSeed) : null;
        _scheduler = policy is null ? null : new RetrainScheduler(spec, policy, _meter);
        _calibration = options.Calibration is null ? null : new LiveCalibration(spec.Schema, options.Calibration);
        _direct = options.HoldoutExamples == 0 && _downsampler is null && _scheduler is null;
        _startOffsets = state is null ? [] : new Dictionary<int, long>(state.StartOffsets);
        _nextCheckMs = state?.NextCheckMs ?? long.MinValue;
        _clockMs = state?.ClockMs ?? long.MinValue;
        if (state is not null)
        {
            foreach (var (partition, offset) in state.Offsets)
            {
                _next[partition] = offset;
            }

            Learned = state.Learned;
            SampledOut = state.SampledOut;
            Positives = state.Positives;
            FromUtc = state.FromUtc;
            ToUtc = state.ToUtc;
            Observed = state.Observed;
            _cpuSincePublish = state.CpuSincePublish;
            _scheduler?.Restore(state.Scheduler);
            _restoredCalibration = _calibration is null ? null : state.Calibration;
            _calibratedUpTo = _restoredCalibration is null || state.CalibrationOffsets.Count == 0 ? null : new Dictionary<int, long>(state.CalibrationOffsets);
            if (state.SamplerPosition != 0)
            {
                _downsampler?.Resume(state.SamplerPosition);
            }
        }

        _cpuMark = _meter.CpuSeconds();
        _wallMark = _meter.WallSeconds();
    }

    public FeatureSpec Spec { get; }

    public OnlineTrainerOptions Options => _options;

    /// <summary>The meter rounds and lineage are charged with (drivers time their own publishing with it).</summary>
    public TrainingMeter Meter => _meter;

    /// <summary>The policy's book-keeping and its live and drift windows (null without a policy).</summary>
    public RetrainScheduler? Scheduler => _scheduler;

    /// <summary>The live calibration of the serving model (null when <see cref="OnlineTrainerOptions.Calibration"/> is not set).</summary>
    public LiveCalibration? Calibration => _calibration;

    /// <summary>The model candidates are compared with (the one serving); null before any.</summary>
    public LogisticModel? Champion => _scheduler?.Champion;

    /// <summary>Progressive validation of the learner: every learned example scored just before it was learned.</summary>
    public ProgressiveValidation Validation => _learner.Validation;

    /// <summary>FTRL updates made (warm-up and every pass included).</summary>
    public long ExamplesSeen => _learner.ExamplesSeen;

    /// <summary>Examples learned from the stream (the lineage's rows).</summary>
    public long Learned { get; private set; }

    /// <summary>Negatives the down-sampler left out.</summary>
    public long SampledOut { get; private set; }

    /// <summary>Clicks among the learned examples.</summary>
    public long Positives { get; private set; }

    /// <summary>Examples observed from the stream, whether learned, sampled out or still held.</summary>
    public long Observed { get; private set; }

    /// <summary>Examples held back, not learned yet.</summary>
    public int Held => _holdout.Count;

    public DateTimeOffset? FromUtc { get; private set; }

    public DateTimeOffset? ToUtc { get; private set; }

    /// <summary>The policy's clock: the latest event time seen (null before the first example).</summary>
    public DateTimeOffset? Clock => _clockMs == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(_clockMs);

    /// <summary>Whether the stream reached the next consultation of the policy: call <see cref="Decide"/>.</summary>
    public bool CheckDue { get; private set; }

    /// <summary>
    /// One labelled example that happened at <paramref name="timeUnixMs"/>, read at
    /// <paramref name="offset"/> of <paramref name="partition"/>: scored by the learner and the champion
    /// before anything learns it (and the serving score calibrated, then the calibration learning the label),
    /// held back, and the oldest held example learned. Allocation-free (but for a calibration segment's first value).
    /// </summary>
    public ExampleScore Observe(FieldValues values, bool clicked, long timeUnixMs, int partition = 0, long offset = -1)
    {
        ArgumentNullException.ThrowIfNull(values);
        _hasher.Indices(values, _indices);
        Observed++;
        if (offset >= 0)
        {
            _next[partition] = offset + 1;
            _startOffsets.TryAdd(partition, offset);
        }

        double learner, champion = double.NaN;
        if (_direct)
        {
            learner = _learner.Learn(_indices, clicked);
            Count(clicked, timeUnixMs);
        }
        else
        {
            learner = _learner.Predict(_indices);
            if (_scheduler is not null)
            {
                champion = _scheduler.ObserveArrival(values, _indices, clicked, learner);
            }

            if (_holdout.Push(_indices, clicked, timeUnixMs, partition, offset, champion, ref _released))
            {
                Learn(ref _released);
            }
        }

        var calibrated = double.NaN;
        if (_calibration is not null && !AlreadyCalibrated(partition, offset))
        {
            calibrated = _calibration.Observe(_scheduler is null ? learner : champion, values, clicked, timeUnixMs);
        }

        _clockMs = Math.Max(_clockMs, timeUnixMs);
        if (_scheduler is not null)
        {
            if (_options.CheckIntervalMs > 0 && timeUnixMs >= _nextCheckMs)
            {
                // The first example only starts the cadence.
                CheckDue |= _nextCheckMs != long.MinValue;
                _nextCheckMs = timeUnixMs + _options.CheckIntervalMs;
            }

            if (_options.CheckEveryExamples > 0 && Observed % _options.CheckEveryExamples == 0)
            {
                CheckDue = true;
            }
        }

        return new ExampleScore(learner, champion, calibrated);
    }

    /// <summary>An example at <paramref name="offset"/> of <paramref name="partition"/> that could not be read: covered (never read again), not learned.</summary>
    public void Skip(int partition, long offset)
    {
        _startOffsets.TryAdd(partition, offset);
        _next[partition] = offset + 1;
    }

    /// <summary>Learns an example outside the stream (a replay's warm-up, before anything serves): no holdout, no policy, no lineage.</summary>
    public void WarmUp(FieldValues values, bool clicked)
    {
        ArgumentNullException.ThrowIfNull(values);
        _hasher.Indices(values, _indices);
        _learner.Learn(_indices, clicked);
    }

    /// <summary>The learner's current model, as a candidate would be formed (no lineage).</summary>
    public LogisticModel Model(DateTimeOffset created) => Model(new ModelInfo { ModelId = _options.ModelId, CreatedUtc = created });

    /// <summary>The learner's current model with <paramref name="info"/> (see <see cref="FtrlLearner.ToModel"/>).</summary>
    public LogisticModel Model(ModelInfo info) => _learner.ToModel(info);

    /// <summary>
    /// Sets the champion (at start, or when the registry's champion changed under us: a rollback). A champion
    /// that is not in the registry (a shipped default file) is calibrated when its file's checksum is given
    /// (<paramref name="modelChecksum"/>: the calibrations name it with that), and else not <paramref name="calibratable"/>:
    /// no recalibrate-only round runs until a published model serves.
    /// </summary>
    public void SetChampion(LogisticModel? champion, bool calibratable = true, string? modelChecksum = null)
    {
        PolicyOrThrow().SetChampion(champion);
        _calibration?.Reset();
        _championCalibratable = calibratable;
        _championChecksum = modelChecksum;
        if (_restoredCalibration is { } saved && champion is not null
            && string.Equals(saved.Model, champion.Info.Label, StringComparison.Ordinal) && string.Equals(saved.ModelChecksum, modelChecksum, StringComparison.Ordinal))
        {
            // The checkpoint's calibration is of this champion: go on from it (the held examples replayed are not observed again).
            _calibration?.Restore(saved);
        }
        else
        {
            _calibratedUpTo = null;
        }

        _restoredCalibration = null;
    }

    /// <summary>Takes a new policy (a configuration reload); the schedule's book-keeping is kept.</summary>
    public void UpdatePolicy(RetrainPolicyOptions policy) => PolicyOrThrow().UpdateOptions(policy);

    /// <summary>Per partition, the next offset the learned state does not cover (the oldest held example, or the next to read).</summary>
    public Dictionary<int, long> CoveredOffsets()
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

    /// <summary>Everything needed to go on from here (see <see cref="OnlineTrainerState"/>).</summary>
    public OnlineTrainerState Export() => new()
    {
        Offsets = CoveredOffsets(),
        StartOffsets = new Dictionary<int, long>(_startOffsets),
        Learned = Learned,
        SampledOut = SampledOut,
        Positives = Positives,
        FromUtc = FromUtc,
        ToUtc = ToUtc,
        CpuSincePublish = _cpuSincePublish + (_meter.CpuSeconds() - _cpuMark),
        NextCheckMs = _nextCheckMs,
        Observed = Observed - _holdout.Count,
        ClockMs = _clockMs,
        SamplerPosition = _downsampler?.Position ?? 0,
        Scheduler = _scheduler?.Export() ?? new SchedulerState(),
        Calibration = _calibration is not null && Champion is { } champion ? _calibration.Export(champion.Info.Label, _championChecksum) : null,
        CalibrationOffsets = _calibration is not null && Champion is not null ? new Dictionary<int, long>(_next) : [],
        State = _learner.State,
    };

    /// <summary>Whether the example at <paramref name="offset"/> is one the restored calibration already observed (replayed after a restart).</summary>
    private bool AlreadyCalibrated(int partition, long offset)
    {
        if (_calibratedUpTo is null || offset < 0)
        {
            return false;
        }

        if (_calibratedUpTo.TryGetValue(partition, out var next) && offset < next)
        {
            return true;
        }

        // Past the checkpoint on this partition: nothing more to skip there.
        if (_calibratedUpTo.Remove(partition) && _calibratedUpTo.Count == 0)
        {
            _calibratedUpTo = null;
        }

        return false;
    }

    private RetrainScheduler PolicyOrThrow() => _scheduler ?? throw new InvalidOperationException("this trainer has no retrain policy");

    private void Learn(ref HoldoutBuffer.ReleasedEntry entry)
    {
        var importance = 1.0;
        if (_downsampler is not null)
        {
            if (!_downsampler.Keep(entry.Clicked))
            {
                SampledOut++;
                return;
            }

            importance = _downsampler.Importance(entry.Clicked);
        }

        _learner.Learn(entry.Indices, entry.Clicked, importance);
        Count(entry.Clicked, entry.TimeUnixMs);
    }

    private void Count(bool clicked, long timeUnixMs)
    {
        Learned++;
        Positives += clicked ? 1 : 0;
        var time = DateTimeOffset.FromUnixTimeMilliseconds(timeUnixMs);
        FromUtc = FromUtc is null || time < FromUtc ? time : FromUtc;
        ToUtc = ToUtc is null || time > ToUtc ? time : ToUtc;
    }
}
