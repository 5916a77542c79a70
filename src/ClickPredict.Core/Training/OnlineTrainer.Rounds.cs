using System.Globalization;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

public sealed partial class OnlineTrainer
{
    /// <summary>
    /// Consults the policy at the trainer's clock: returns null when no round was due, else the round's
    /// decision and, when it says publish, the candidate with its lineage. After storing the candidate,
    /// call <see cref="Published"/>.
    /// </summary>
    public TrainerRound? Decide()
    {
        var scheduler = PolicyOrThrow();
        CheckDue = false;
        if (_clockMs == long.MinValue)
        {
            return null;
        }

        var now = DateTimeOffset.FromUnixTimeMilliseconds(_clockMs);
        var cpu = _meter.CpuSeconds();
        _cpuSincePublish += cpu - _cpuMark;
        _cpuMark = cpu;
        var decision = scheduler.Check(now, () => Model(now), _holdout, out var candidate);
        if (decision is null)
        {
            // No retrain due: perhaps recalibrate only.
            return _calibration is not null && _championCalibratable && scheduler.CheckCalibration(now, _calibration, out var calibration) is { } recalibration
                ? new TrainerRound(recalibration, null, NamingTheChampion(calibration))
                : null;
        }

        return new TrainerRound(decision, candidate is null ? null : WithLineage(candidate, decision));
    }

    /// <summary>
    /// Records that <paramref name="stored"/> (the candidate as its registry stamped it: version, parent) is
    /// published and the champion now; <paramref name="publishCpuSeconds"/> (writing it out, on
    /// <see cref="Meter"/>) is charged to the round. The new champion's calibration starts from the held-out
    /// examples (the most recent, which it did not learn), scored by it in arrival order: a model trained on a
    /// rate that has since moved is corrected from its first recalibration, not after a half-life of new examples.
    /// </summary>
    public void Published(LogisticModel stored, double publishCpuSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(stored);
        PolicyOrThrow().Published(stored, DateTimeOffset.FromUnixTimeMilliseconds(_clockMs), publishCpuSeconds);
        _calibration?.Reset();
        _calibratedUpTo = null;
        if (_calibration is { } calibration && stored.Spec.Fingerprint == Spec.Fingerprint)
        {
            // Held examples keep hashed indices only: they calibrate the global shift (no segment values).
            _noValues ??= new FieldValues(Spec.Schema);
            var values = _noValues;
            _holdout.Score(stored, (p, clicked, time) => calibration.Observe(p, values, clicked, time));
        }

        _championCalibratable = true;
        _championChecksum = null;
        _cpuSincePublish = 0;
        _cpuMark = _meter.CpuSeconds();
        _wallMark = _meter.WallSeconds();
    }

    /// <summary>
    /// Records that <paramref name="stored"/> (the round's calibration as the registry numbered it) is published
    /// and serves with the champion now; <paramref name="publishCpuSeconds"/> (writing it) is charged to the round.
    /// </summary>
    public void CalibrationPublished(CalibrationShift stored, double publishCpuSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var calibration = _calibration ?? throw new InvalidOperationException("this trainer has no calibration");
        calibration.Publish(stored);
        PolicyOrThrow().CalibrationPublished(DateTimeOffset.FromUnixTimeMilliseconds(_clockMs), publishCpuSeconds);
    }

    /// <summary>Offsets as a lineage lists them: <c>name/partition:next</c>, or <c>name/partition:from-to</c> with <paramref name="from"/>.</summary>
    public string FormatOffsets(IReadOnlyDictionary<int, long> to, IReadOnlyDictionary<int, long>? from = null)
    {
        ArgumentNullException.ThrowIfNull(to);
        var name = _options.OffsetsName;
        return string.Join(",", to.OrderBy(p => p.Key).Select(p => from is null
            ? string.Create(CultureInfo.InvariantCulture, $"{name}/{p.Key}:{p.Value}")
            : string.Create(CultureInfo.InvariantCulture, $"{name}/{p.Key}:{from.GetValueOrDefault(p.Key, p.Value)}-{p.Value}")));
    }

    /// <summary>A calibration of a champion outside the registry carries its file's checksum, which names it there.</summary>
    private CalibrationShift? NamingTheChampion(CalibrationShift? calibration) =>
        calibration is null || _championChecksum is null ? calibration
            : new CalibrationShift(calibration.Schema, calibration.Global, calibration.Segments, calibration.MaxShift, calibration.Info with { ModelChecksum = _championChecksum });

    /// <summary>The candidate with what a registry keeps of it: training data, the round's figures, its cost, and the decision as notes.</summary>
    private LogisticModel WithLineage(LogisticModel candidate, RetrainDecision decision)
    {
        var metrics = new Dictionary<string, double>(candidate.Info.Metrics, StringComparer.Ordinal)
        {
            ["holdoutLogLoss"] = decision.CandidateLogLoss,
            ["holdoutExamples"] = decision.HoldoutExamples,
        };
        AddFinite(metrics, "championHoldoutLogLoss", decision.ChampionLogLoss);
        AddFinite(metrics, "weightChange", decision.WeightChange);
        AddFinite(metrics, "degradation", decision.Degradation);
        AddFinite(metrics, "psi", decision.Psi);
        return candidate.WithInfo(candidate.Info with
        {
            TrainingData = new TrainingDataInfo
            {
                Source = _options.Source,
                Rows = Learned,
                Positives = Positives,
                FromUtc = FromUtc,
                ToUtc = ToUtc,
                Offsets = FormatOffsets(CoveredOffsets(), _startOffsets),
            },
            Metrics = metrics,
            Cost = new TrainingCost
            {
                CpuSeconds = _cpuSincePublish + (_meter.CpuSeconds() - _cpuMark),
                WallSeconds = _meter.WallSeconds() - _wallMark,
                ExamplesSeen = _learner.ExamplesSeen,
            },
            Notes = $"{decision.TriggerName}: {decision.Details()}",
        });
    }

    private static void AddFinite(Dictionary<string, double> metrics, string key, double value)
    {
        if (double.IsFinite(value))
        {
            metrics[key] = value;
        }
    }
}
