using System.Globalization;
using System.Text;
using ClickPredict.Core.Features;
using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Calibration;

/// <summary>
/// Live calibration between retrains: learns logit shifts for the serving model from labelled examples
/// as they arrive, each example scored before its label updates anything. The global shift is
/// <c>ln((C + a) / (E + a))</c> over exponentially decayed sums of clicks <c>C</c> and of the model's pCTR
/// <c>E</c> (<c>a</c> = <c>PriorClicks</c>): the log of recent observed over predicted clicks, which for
/// the small rates of ad clicks is the intercept shift that makes recent predictions add up to recent
/// clicks. Each segment (a value of a <c>SegmentFields</c> field) gets the same ratio over the
/// globally shifted pCTR, shrunk by <c>SegmentPriorClicks</c>. Decay is by examples or by event time.
/// </summary>
/// <remarks>
/// <para>Shrinkage by evidence (<c>EvidenceShrinkage</c> = k): each shift <c>s</c> is multiplied by
/// <c>max(0, 1 - k² v / s²)</c>, where <c>v = V / (E + a)²</c> is the variance the shift would have if the model
/// were calibrated, <c>V</c> the decayed sum of <c>p(1 - p)</c> with squared weights (the variance of the decayed
/// click count). A shift within k standard errors of 0 stays 0, so noise in a few clicks neither moves the
/// predictions nor reorders rows over time; a shift the clicks clearly support is kept almost whole (at 10
/// standard errors, 96% of it with k = 2). With k = 1 this is the empirical-Bayes posterior mean of the shift
/// under a normal prior around 0 whose variance is estimated from the shift itself (<c>s² - v</c>).</para>
/// <para>With <c>ShrinkageHistoryHalfLives</c> the prior's variance is also estimated from history: <c>τ²</c>, the decayed
/// mean of <c>s² - v</c> over that many half-lives, kept when a new champion starts (how far this stream's models have
/// needed shifting is a property of the market, not of one model). The shift is then multiplied by the larger of the
/// factor above and the empirical-Bayes posterior factor <c>e / (e + v)</c> under a prior of variance
/// <c>e = τ² - (k² - 1) v</c>: the history's variance less a margin for its own estimation error, so that the history
/// counts only once the shifts it saw have a mean square beyond <c>k² v</c>, the same bar a single shift must clear.
/// A calibrated stream (<c>τ²</c> about 0) is shrunk as without it; in a market whose models keep needing shifts
/// well beyond the noise, a shift still within k standard errors of 0 is kept nearly whole instead of zeroed, which
/// matters most right after a new champion starts from few examples. A history that spans less than its horizon
/// counts in proportion to its span; the trend's slope is judged by its own value only (after a step, the history of
/// the level would otherwise let the slope's noise through for ten half-lives).</para>
/// <para>It is one object with one code path wherever calibration runs: <see cref="Training.OnlineTrainer"/>
/// (the trainer service and <c>retrain-sim</c>) owns one for the serving model, and the progressive modes of
/// <c>clickpredict evaluate</c> and <c>backtest</c> (<see cref="ProgressiveCalibration"/>) drive one over a
/// file. It also scores each example with the calibration that serves (<see cref="Serving"/>, the last
/// one published) and with none, so a publication can be gated on recent log loss. Not thread-safe.</para>
/// </remarks>
public sealed class LiveCalibration
{
    private readonly LiveCalibrationOptions _options;
    private readonly FieldSchema _schema;
    private readonly int[] _segmentFields;
    private readonly int[] _segmentCounts;
    private readonly Dictionary<ulong, Segment> _segments = [];
    private readonly Segment?[] _found;
    private readonly double _halfLife;
    private double _tick = double.NaN;
    private double _clicks;
    private double _expected;
    private double _variance;
    private double _timeSum;
    private double _latestTime = double.NaN;
    private double _smoothedShift = double.NaN;
    private double _smoothedTime = double.NaN;
    private double _levelHistorySum;
    private double _levelHistoryWeight;
    private double _historyStart = double.NaN;
    private double _historyLatest = double.NaN;
    private double _historyStepFactor;
    private double _stepFactor;
    private double _weight;
    private double _lossLive;
    private double _lossServing;
    private double _lossRaw;
    private long _count;

    public LiveCalibration(FieldSchema schema, LiveCalibrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate(nameof(LiveCalibration), schema);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _options = options;
        _schema = schema;
        _segmentFields = [.. options.SegmentFields.Select(f => schema.GetField(f).Index).Distinct()];
        _segmentCounts = new int[_segmentFields.Length];
        _found = new Segment?[_segmentFields.Length];
        _halfLife = options.HalfLifeExamples > 0 ? options.HalfLifeExamples : options.HalfLifeSeconds;
        Serving = CalibrationShift.Identity(schema);
    }

    public LiveCalibrationOptions Options => _options;

    /// <summary>The calibration serving now (the last published; the identity before any): examples are also scored with it.</summary>
    public CalibrationShift Serving { get; private set; }

    /// <summary>Examples learned since the start or the last <see cref="Reset"/>.</summary>
    public long Examples { get; private set; }

    /// <summary>Clicks among them.</summary>
    public long Clicks { get; private set; }

    /// <summary>
    /// The global shift to serve (logit units): the level shrunk by its evidence and, with <see cref="LiveCalibrationOptions.Trend"/>,
    /// projected along its trend to the newest example's time plus <see cref="LiveCalibrationOptions.TrendHorizonSeconds"/>
    /// (when the impressions it serves are). <see cref="Observe"/> scores each example with the shift projected to the
    /// newest example only (horizon 0), the calibration as it stood for that example, so the recent log losses the
    /// publication gate compares are not charged for a horizon meant for later impressions.
    /// </summary>
    public double GlobalShift => Shift(_options.TrendHorizonSeconds);

    /// <summary>The level alone: the shrunk shift of the decayed sums, whose lag is their mean age.</summary>
    public double LevelShift => ShrinkLevel(LevelLogRatio());

    /// <summary>
    /// The level's prior variance <c>τ²</c> estimated from history: the decayed mean of <c>shift² - v</c> (at least 0),
    /// times the share of its horizon the history spans so far (a history of one or two half-lives holds too few
    /// independent shifts to tell a market that needs shifting from noise). 0 without
    /// <see cref="LiveCalibrationOptions.ShrinkageHistoryHalfLives"/> or before any example.
    /// </summary>
    public double LevelPriorVariance
    {
        get
        {
            var horizon = _halfLife * _options.ShrinkageHistoryHalfLives;
            if (!(horizon > 0) || !(_levelHistoryWeight > 0) || double.IsNaN(_historyStart))
            {
                return 0;
            }

            return Math.Max(0, _levelHistorySum / _levelHistoryWeight) * Math.Min(1, (_historyLatest - _historyStart) / horizon);
        }
    }

    /// <summary>
    /// What the trend adds to the level (0 without <see cref="LiveCalibrationOptions.Trend"/>, while the level is 0, or
    /// while the trend is within its noise): the slope <c>(s1 - s2) / (t1 - t2)</c> times <c>t* - t1</c>, where
    /// <c>s1</c> is the unshrunk level and <c>t1</c> the mean event time of its decayed sums (weighted as they weigh
    /// pCTR), <c>s2</c> and <c>t2</c> the same smoothed once more with the same decay, and <c>t*</c> the newest example's
    /// time plus the horizon. Under a shift moving linearly in time <c>s1 = s(t1)</c> and <c>s2 = s(t2)</c> (a decayed
    /// mean of a linear function is its value at the mean time), so the projection has no lag; the difference
    /// <c>s1 - s2</c> is shrunk by its evidence like the level, its variance when the model is calibrated and nothing
    /// moves being half the level's (the difference of once- and twice-smoothed white noise).
    /// </summary>
    public double TrendShift => Trended(_options.TrendHorizonSeconds, LevelLogRatio(), LevelShift);

    /// <summary>
    /// The shift <c>ln((clicks + prior) / (expected + prior))</c>, multiplied by <c>max(0, 1 - k² v / shift²)</c> with
    /// <c>v = variance / (expected + prior)²</c>, the shift's variance when the predictions are calibrated (k = 0: unshrunk).
    /// </summary>
    public static double Shrink(double clicks, double expected, double variance, double prior, double k) =>
        Shrink(Math.Log((clicks + prior) / (expected + prior)), variance / Square(expected + prior), k);

    /// <summary><paramref name="shift"/> times <c>max(0, 1 - k² noise / shift²)</c>: 0 within k standard errors (<c>sqrt(noise)</c>) of 0.</summary>
    public static double Shrink(double shift, double noise, double k) =>
        k == 0 || shift == 0 ? shift : shift * Math.Max(0, 1 - (k * k * noise / (shift * shift)));

    /// <summary>
    /// <paramref name="shift"/> times the larger of <c>1 - k² noise / shift²</c> (<see cref="Shrink(double, double, double)"/>)
    /// and <c>e / (e + noise)</c>, the posterior factor under a prior of variance <c>e = priorVariance - (k² - 1) noise</c>
    /// (0 while that is not above 0), and at least 0: never more shrinkage than by the shift's own value. Without a prior
    /// variance (0) it is the shift's own rule.
    /// </summary>
    public static double Shrink(double shift, double noise, double k, double priorVariance)
    {
        if (k == 0 || shift == 0 || !(priorVariance > 0))
        {
            return Shrink(shift, noise, k);
        }

        var excess = priorVariance - ((k * k) - 1) * noise;
        var prior = excess > 0 ? excess / (excess + noise) : 0;
        return shift * Math.Max(Math.Max(0, 1 - (k * k * noise / (shift * shift))), prior);
    }

    /// <summary>Recent (decayed) observed clicks over the model's predicted clicks; NaN before any example.</summary>
    public double ObservedOverPredicted => _expected > 0 ? _clicks / _expected : double.NaN;

    /// <summary>Recent (decayed) progressive log loss with the live calibration; NaN before any example.</summary>
    public double RecentLogLoss => _weight > 0 ? _lossLive / _weight : double.NaN;

    /// <summary>Recent log loss with the <see cref="Serving"/> calibration on the same examples.</summary>
    public double RecentServingLogLoss => _weight > 0 ? _lossServing / _weight : double.NaN;

    /// <summary>Recent log loss of the model alone on the same examples.</summary>
    public double RecentUncalibratedLogLoss => _weight > 0 ? _lossRaw / _weight : double.NaN;

    /// <summary>The half-life, as text (<c>5000 examples</c>, <c>600 s</c>).</summary>
    public string HalfLifeText => _options.HalfLifeExamples > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{_options.HalfLifeExamples:0.###} examples")
        : string.Create(CultureInfo.InvariantCulture, $"{_options.HalfLifeSeconds:0.###} s");

    /// <summary>The calibrated pCTR of the model's <paramref name="p"/> for these values, as the live calibration stands.</summary>
    public double Calibrate(double p, FieldValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var global = GlobalShift;
        return CalibrationShift.Apply(p, Clamp(global + SegmentShifts(values, _tick, find: false)));
    }

    /// <summary>
    /// One labelled example the model scored <paramref name="p"/>, at <paramref name="timeUnixMs"/>: returns its
    /// calibrated pCTR as the calibration stood before the example, then learns from the label. Allocates
    /// only when a segment value is seen for the first time.
    /// </summary>
    public double Observe(double p, FieldValues values, bool clicked, long timeUnixMs)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!double.IsFinite(p))
        {
            return p;
        }

        var tick = _options.HalfLifeExamples > 0 ? _count++ : timeUnixMs / 1000.0;
        Decay(tick);
        var global = Shift(0);
        var q = CalibrationShift.Apply(p, Clamp(global + SegmentShifts(values, tick, find: true)));
        var label = clicked ? 1.0 : 0.0;
        _weight += 1;
        _lossLive += BinaryMetrics.LogLoss(q, clicked);
        _lossServing += BinaryMetrics.LogLoss(Serving.Apply(p, values), clicked);
        _lossRaw += BinaryMetrics.LogLoss(p, clicked);
        _clicks += label;
        _expected += p;
        _variance += p * (1 - p);
        Smooth(p, timeUnixMs / 1000.0);
        var shifted = CalibrationShift.Apply(p, global);
        for (var i = 0; i < _found.Length; i++)
        {
            if (_found[i] is { } segment)
            {
                segment.Clicks += label;
                segment.Expected += shifted;
                segment.Variance += shifted * (1 - shifted);
            }
        }

        Examples++;
        Clicks += clicked ? 1 : 0;
        return q;
    }

    /// <summary>The live calibration as a value to publish (segments with any data), with its figures in <see cref="CalibrationShift.Info"/>.</summary>
    public CalibrationShift Snapshot(DateTimeOffset created, string? model = null)
    {
        var segments = new List<CalibrationSegment>();
        foreach (var segment in _segments.Values.OrderBy(s => s.Field, StringComparer.Ordinal).ThenBy(s => s.Value, StringComparer.Ordinal))
        {
            segment.DecayTo(_tick, _halfLife);
            if (segment.Expected > 0 || segment.Clicks > 0)
            {
                segments.Add(new CalibrationSegment(segment.Field, segment.Value, segment.Shift(_options.SegmentPriorClicks, _options.EvidenceShrinkage)));
            }
        }

        return new CalibrationShift(_schema, GlobalShift, segments, _options.MaxShift, new CalibrationInfo
        {
            Model = model,
            CreatedUtc = created,
            Examples = Examples,
            Clicks = Clicks,
            ObservedOverPredicted = ObservedOverPredicted,
            RecentLogLoss = RecentLogLoss,
            ServingLogLoss = RecentServingLogLoss,
            UncalibratedLogLoss = RecentUncalibratedLogLoss,
            HalfLife = HalfLifeText,
        });
    }

    /// <summary>
    /// Makes <paramref name="published"/> the serving calibration (examples are scored with it from now on, and
    /// its recent log loss starts again from the live one's, which it now is).
    /// </summary>
    public void Publish(CalibrationShift published)
    {
        ArgumentNullException.ThrowIfNull(published);
        Serving = published;
        _lossServing = _lossLive;
    }

    /// <summary>Forgets everything learned: a new model serves, and shifts learned on the old one's logit do not apply to it.</summary>
    public void Reset()
    {
        _segments.Clear();
        Array.Clear(_segmentCounts);
        // The shrinkage's history stays: it describes the stream, not the model (see the remarks).
        _clicks = _expected = _variance = _timeSum = _weight = _lossLive = _lossServing = _lossRaw = 0;
        _tick = _latestTime = _smoothedShift = _smoothedTime = double.NaN;
        _count = 0;
        Examples = Clicks = 0;
        Serving = CalibrationShift.Identity(_schema);
    }

    /// <summary>Where it stands, for a checkpoint, naming the champion it calibrates.</summary>
    public LiveCalibrationState Export(string? model, string? modelChecksum) => new()
    {
        Model = model,
        ModelChecksum = modelChecksum,
        Tick = _tick,
        Count = _count,
        Examples = Examples,
        Clicks = Clicks,
        DecayedClicks = _clicks,
        Expected = _expected,
        Variance = _variance,
        TimeSum = _timeSum,
        LatestTime = _latestTime,
        SmoothedShift = _smoothedShift,
        SmoothedTime = _smoothedTime,
        Weight = _weight,
        LossLive = _lossLive,
        LossServing = _lossServing,
        LossRaw = _lossRaw,
        LevelHistorySum = _levelHistorySum,
        LevelHistoryWeight = _levelHistoryWeight,
        HistoryStart = _historyStart,
        HistoryLatest = _historyLatest,
        Segments = [.. _segments.Values.Select(s => new LiveCalibrationSegmentState
        {
            Field = s.Field,
            Value = s.Value,
            Clicks = s.Clicks,
            Expected = s.Expected,
            Variance = s.Variance,
            Tick = s.Tick,
        })],
    };

    /// <summary>
    /// Goes on from <paramref name="state"/> (saved by <see cref="Export"/> for the same champion); the serving
    /// calibration stays as it is. Segments of fields it does not segment by (the options changed) are dropped.
    /// </summary>
    public void Restore(LiveCalibrationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Reset();
        _tick = state.Tick;
        _count = state.Count;
        Examples = state.Examples;
        Clicks = state.Clicks;
        _clicks = state.DecayedClicks;
        _expected = state.Expected;
        _variance = state.Variance;
        _timeSum = double.IsNaN(state.SmoothedShift) ? double.NaN : state.TimeSum;
        _latestTime = state.LatestTime;
        _smoothedShift = state.SmoothedShift;
        _smoothedTime = state.SmoothedTime;
        _weight = state.Weight;
        _lossLive = state.LossLive;
        _lossServing = state.LossServing;
        _lossRaw = state.LossRaw;
        _levelHistorySum = state.LevelHistorySum;
        _levelHistoryWeight = state.LevelHistoryWeight;
        _historyStart = state.HistoryStart;
        _historyLatest = state.HistoryLatest;
        foreach (var saved in state.Segments)
        {
            var slot = _schema.TryGetField(saved.Field, out var field) ? Array.IndexOf(_segmentFields, field.Index) : -1;
            var key = slot < 0 ? 0 : CalibrationShift.Key(field!.Index, Encoding.UTF8.GetBytes(saved.Value));
            if (slot < 0 || _segmentCounts[slot] >= _options.MaxSegments || _segments.ContainsKey(key))
            {
                continue;
            }

            _segments.Add(key, new Segment(saved.Field, saved.Value) { Clicks = saved.Clicks, Expected = saved.Expected, Variance = saved.Variance, Tick = saved.Tick });
            _segmentCounts[slot]++;
        }
    }

    private double Clamp(double shift) => Math.Clamp(shift, -_options.MaxShift, _options.MaxShift);

    private static double Square(double x) => x * x;

    /// <summary>
    /// The global shift projected <paramref name="horizon"/> seconds beyond the newest example, clamped: horizon 0 is
    /// what each observed example is scored with. The level's log ratio is taken once and serves both the level and its trend.
    /// </summary>
    private double Shift(double horizon)
    {
        var raw = LevelLogRatio();
        var level = ShrinkLevel(raw);
        return Clamp(level + Trended(horizon, raw, level));
    }

    /// <summary>
    /// The trend's part of the shift projected <paramref name="horizon"/> seconds beyond the newest example (see
    /// <see cref="TrendShift"/>), given the unshrunk level <paramref name="raw"/> and the shrunk one <paramref name="level"/>.
    /// </summary>
    private double Trended(double horizon, double raw, double level)
    {
        if (!_options.Trend || double.IsNaN(_smoothedShift) || level == 0)
        {
            return 0;
        }

        var meanTime = _timeSum / _expected;
        var span = meanTime - _smoothedTime;
        if (!(span > 0))
        {
            return 0;
        }

        var difference = Shrink(raw - _smoothedShift, LevelNoise() / 2, _options.EvidenceShrinkage);
        return difference * (_latestTime + horizon - meanTime) / span;
    }

    /// <summary>The unshrunk level <c>ln((C + a) / (E + a))</c>.</summary>
    private double LevelLogRatio() => Math.Log((_clicks + _options.PriorClicks) / (_expected + _options.PriorClicks));

    /// <summary>The level's variance if the model were calibrated, <c>v = V / (E + a)²</c>.</summary>
    private double LevelNoise() => _variance / Square(_expected + _options.PriorClicks);

    /// <summary>The level <paramref name="raw"/> shrunk by its evidence (against its history's prior variance when kept).</summary>
    private double ShrinkLevel(double raw) => Shrink(raw, LevelNoise(), _options.EvidenceShrinkage, LevelPriorVariance);

    /// <summary>Adds this example's squared level, less its noise, to the decayed history (with it on).</summary>
    private void Remember(double level, double noise)
    {
        if (!(_options.ShrinkageHistoryHalfLives > 0))
        {
            return;
        }

        _historyStart = double.IsNaN(_historyStart) ? _tick : _historyStart;
        _historyLatest = _tick;
        _levelHistorySum = (_historyStepFactor * _levelHistorySum) + ((level * level) - noise);
        _levelHistoryWeight = (_historyStepFactor * _levelHistoryWeight) + 1;
    }

    /// <summary>
    /// Adds the example's event time (seconds) to the decayed time sum (weighted by its pCTR, as <c>E</c> is), then
    /// smooths the level and its mean time once more with this step's decay factor (the first example starts both), and
    /// adds the level to the shrinkage's history.
    /// </summary>
    private void Smooth(double p, double seconds)
    {
        // A checkpoint from before the trend has no time sum: its examples are taken as this one's time.
        _timeSum = (double.IsNaN(_timeSum) ? (_expected - p) * seconds : _timeSum) + (p * seconds);
        _latestTime = double.IsNaN(_latestTime) ? seconds : Math.Max(_latestTime, seconds);
        if (!(_expected > 0))
        {
            return;
        }

        var level = LevelLogRatio();
        var meanTime = _timeSum / _expected;
        if (double.IsNaN(_smoothedShift))
        {
            _smoothedShift = level;
            _smoothedTime = meanTime;
        }
        else
        {
            _smoothedShift = (_stepFactor * _smoothedShift) + ((1 - _stepFactor) * level);
            _smoothedTime = (_stepFactor * _smoothedTime) + ((1 - _stepFactor) * meanTime);
        }

        Remember(level, LevelNoise());
    }

    private void Decay(double tick)
    {
        _stepFactor = _historyStepFactor = 1;
        if (!double.IsNaN(_tick) && tick > _tick)
        {
            var factor = Math.Pow(0.5, (tick - _tick) / _halfLife);
            _stepFactor = factor;
            _historyStepFactor = _options.ShrinkageHistoryHalfLives > 0 ? Math.Pow(0.5, (tick - _tick) / (_halfLife * _options.ShrinkageHistoryHalfLives)) : 1;
            _clicks *= factor;
            _expected *= factor;
            _variance *= factor * factor;
            _timeSum *= factor;
            _weight *= factor;
            _lossLive *= factor;
            _lossServing *= factor;
            _lossRaw *= factor;
        }

        _tick = double.IsNaN(_tick) ? tick : Math.Max(_tick, tick);
    }

    /// <summary>The sum of the example's segment shifts; with <paramref name="find"/>, remembers (and creates) its segments in <see cref="_found"/>.</summary>
    private double SegmentShifts(FieldValues values, double tick, bool find)
    {
        var sum = 0.0;
        for (var i = 0; i < _segmentFields.Length; i++)
        {
            var field = _segmentFields[i];
            Segment? segment = null;
            if (values.TryGet(field, out var value))
            {
                var key = CalibrationShift.Key(field, value);
                if (!_segments.TryGetValue(key, out segment) && find && _segmentCounts[i] < _options.MaxSegments)
                {
                    segment = new Segment(_schema[field].Name, Encoding.UTF8.GetString(value));
                    _segments.Add(key, segment);
                    _segmentCounts[i]++;
                }
            }

            if (segment is not null)
            {
                segment.DecayTo(tick, _halfLife);
                sum += segment.Shift(_options.SegmentPriorClicks, _options.EvidenceShrinkage);
            }

            if (find)
            {
                _found[i] = segment;
            }
        }

        return sum;
    }

    /// <summary>A segment's decayed clicks, globally calibrated expected clicks and their variance, decayed lazily when touched.</summary>
    private sealed class Segment(string field, string value)
    {
        public string Field { get; } = field;

        public string Value { get; } = value;

        public double Clicks { get; set; }

        public double Expected { get; set; }

        public double Variance { get; set; }

        /// <summary>The decay clock it was last decayed to (NaN before any example).</summary>
        public double Tick { get; set; } = double.NaN;

        public double Shift(double prior, double k) => LiveCalibration.Shrink(Clicks, Expected, Variance, prior, k);

        public void DecayTo(double tick, double halfLife)
        {
            if (!double.IsNaN(Tick) && tick > Tick)
            {
                var factor = Math.Pow(0.5, (tick - Tick) / halfLife);
                Clicks *= factor;
                Expected *= factor;
                Variance *= factor * factor;
            }

            Tick = double.IsNaN(Tick) ? tick : Math.Max(Tick, tick);
        }
    }
}
