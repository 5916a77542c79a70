using System.Globalization;

namespace ClickPredict.Core.Training;

/// <summary>
/// The retrain and publish policy (config section <c>RetrainPolicy</c> of <c>config/trainer.json</c>,
/// reloaded without a restart; also the shape of each policy <c>clickpredict retrain-sim</c> compares).
/// Times are in the policy's clock: wall time in the trainer service, simulated event time in a replay.
/// See <see cref="RetrainPolicy"/> for how the settings combine.
/// </summary>
public sealed class RetrainPolicyOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "RetrainPolicy";

    /// <summary><c>IntervalSeconds</c>: a scheduled retrain round runs this long after the previous round. Default 900.</summary>
    public double IntervalSeconds { get; set; } = 900;

    /// <summary><c>MinNewExamples</c>: a round is skipped until this many examples were learned since the last publish. Default 20000.</summary>
    public long MinNewExamples { get; set; } = 20_000;

    /// <summary>
    /// <c>MinImprovement</c>: a scheduled round publishes only when the candidate's holdout log loss is
    /// below the champion's by at least this fraction (0.002 = 0.2%). Default 0.002.
    /// </summary>
    public double MinImprovement { get; set; } = 0.002;

    /// <summary>
    /// <c>DegradationThreshold</c>: a round runs early when the champion's live log loss over the recent
    /// window exceeds the continuously trained learner's progressive log loss on the same examples by
    /// this fraction (0.01 = 1%); such a round publishes any candidate not worse than the champion.
    /// 0 turns the trigger off. Default 0.01.
    /// </summary>
    public double DegradationThreshold { get; set; } = 0.01;

    /// <summary>
    /// <c>DriftPsiThreshold</c>: a round runs early when the population stability index of any
    /// <see cref="DriftFields"/> between the recent window and the window before the last publish
    /// exceeds this (0.1 is a common "moderate shift", 0.25 "major"). 0 turns the trigger off. Default 0.2.
    /// </summary>
    public double DriftPsiThreshold { get; set; } = 0.2;

    /// <summary>The drift fields when <see cref="DriftFields"/> is not set.</summary>
    public static IReadOnlyList<string> DefaultDriftFields { get; } = ["site.domain", "app.bundle", "creative.id", "device.type", "geo.country"];

    /// <summary>
    /// <c>DriftFields</c>: the key fields whose distribution is watched for drift; unset means
    /// <see cref="DefaultDriftFields"/> (<c>site.domain</c>, <c>app.bundle</c>, <c>creative.id</c>,
    /// <c>device.type</c>, <c>geo.country</c>), an empty list watches none. (Null by default because the
    /// configuration binder appends configured items to a pre-filled array.)
    /// </summary>
    public string[]? DriftFields { get; set; }

    /// <summary>The drift fields in force.</summary>
    public IReadOnlyList<string> EffectiveDriftFields => DriftFields ?? DefaultDriftFields;

    /// <summary><c>EarlyMinSeconds</c>: early rounds (degradation, drift) come at least this long after the previous round. Default 60.</summary>
    public double EarlyMinSeconds { get; set; } = 60;

    /// <summary>
    /// <c>MinWeightChange</c>: a candidate whose weights moved less than this (relative L2 distance to
    /// the last published weights, bias included) is not published. 0 turns the check off. Default 0.01.
    /// </summary>
    public double MinWeightChange { get; set; } = 0.01;

    /// <summary>
    /// <c>CpuBudgetSecondsPerHour</c>: CPU seconds that retrain rounds (forming, scoring and publishing
    /// candidates) may spend in any trailing hour; a round that would exceed it is skipped.
    /// 0 means no budget. Default 0.
    /// </summary>
    public double CpuBudgetSecondsPerHour { get; set; }

    /// <summary>
    /// <c>RecalibrateIntervalSeconds</c>: between retrains, a "recalibrate only" round publishes the live
    /// calibration of the champion (a small file, no retrain) this long after the previous calibration or
    /// model publish. Needs <c>Trainer:Learner:Calibration:Enabled</c>. 0 turns it off. Default 0.
    /// </summary>
    public double RecalibrateIntervalSeconds { get; set; }

    /// <summary><c>RecalibrateMinExamples</c>: a recalibration waits until the calibration learned from this many examples of the champion. Default 1000.</summary>
    public long RecalibrateMinExamples { get; set; } = 1000;

    /// <summary>
    /// <c>RecalibrateMinImprovement</c>: the gate of a recalibration: its recent progressive log loss must be
    /// below that of the calibration serving (on the same recent examples) by at least this fraction; else
    /// it is refused and the serving one stays. Default 0 (not worse).
    /// </summary>
    public double RecalibrateMinImprovement { get; set; }

    /// <summary><c>WindowExamples</c>: examples in the recent window used for live log loss and drift. Default 20000.</summary>
    public int WindowExamples { get; set; } = 20_000;

    /// <summary><c>MinWindowExamples</c>: the early triggers wait until the window holds this many. Default 5000.</summary>
    public int MinWindowExamples { get; set; } = 5_000;

    /// <summary>A copy, so a caller can hold a snapshot while configuration reloads.</summary>
    public RetrainPolicyOptions Clone()
    {
        var copy = (RetrainPolicyOptions)MemberwiseClone();
        copy.DriftFields = DriftFields is null ? null : [.. DriftFields];
        return copy;
    }

    /// <summary>
    /// Every problem with the settings, each naming its key under <paramref name="prefix"/>
    /// (<c>RetrainPolicy:IntervalSeconds must be ...</c>). Empty when valid.
    /// </summary>
    /// <param name="prefix">The section path the keys live under.</param>
    /// <param name="knownFields">Field names drift fields must come from; null skips that check.</param>
    public List<string> Validate(string prefix = SectionName, IReadOnlyCollection<string>? knownFields = null)
    {
        var failures = new List<string>();
        Positive(prefix, nameof(IntervalSeconds), IntervalSeconds, failures);
        if (MinNewExamples < 0)
        {
            failures.Add(Message(prefix, nameof(MinNewExamples), $"must be at least 0, but was {MinNewExamples}"));
        }

        Fraction(prefix, nameof(MinImprovement), MinImprovement, failures);
        NonNegative(prefix, nameof(DegradationThreshold), DegradationThreshold, failures);
        NonNegative(prefix, nameof(DriftPsiThreshold), DriftPsiThreshold, failures);
        NonNegative(prefix, nameof(EarlyMinSeconds), EarlyMinSeconds, failures);
        NonNegative(prefix, nameof(MinWeightChange), MinWeightChange, failures);
        NonNegative(prefix, nameof(CpuBudgetSecondsPerHour), CpuBudgetSecondsPerHour, failures);
        NonNegative(prefix, nameof(RecalibrateIntervalSeconds), RecalibrateIntervalSeconds, failures);
        Fraction(prefix, nameof(RecalibrateMinImprovement), RecalibrateMinImprovement, failures);
        if (RecalibrateMinExamples < 0)
        {
            failures.Add(Message(prefix, nameof(RecalibrateMinExamples), $"must be at least 0, but was {RecalibrateMinExamples}"));
        }

        if (WindowExamples is < 100 or > 10_000_000)
        {
            failures.Add(Message(prefix, nameof(WindowExamples), $"must be between 100 and 10000000, but was {WindowExamples}"));
        }

        if (MinWindowExamples < 1 || MinWindowExamples > WindowExamples)
        {
            failures.Add(Message(prefix, nameof(MinWindowExamples), $"must be between 1 and {nameof(WindowExamples)} ({WindowExamples}), but was {MinWindowExamples}"));
        }

        if (DriftFields is not null)
        {
            for (var i = 0; i < DriftFields.Length; i++)
            {
                var field = DriftFields[i];
                if (string.IsNullOrWhiteSpace(field))
                {
                    failures.Add(Message(prefix, $"{nameof(DriftFields)}:{i}", "must name a field"));
                }
                else if (knownFields is not null && !knownFields.Contains(field))
                {
                    failures.Add(Message(prefix, $"{nameof(DriftFields)}:{i}", $"'{field}' is not a field of the schema (known: {string.Join(", ", knownFields)})"));
                }
            }
        }

        return failures;
    }

    private static void Positive(string prefix, string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            failures.Add(Message(prefix, key, $"must be a finite number > 0, but was {Format(value)}"));
        }
    }

    private static void NonNegative(string prefix, string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value >= 0))
        {
            failures.Add(Message(prefix, key, $"must be a finite number >= 0, but was {Format(value)}"));
        }
    }

    private static void Fraction(string prefix, string key, double value, List<string> failures)
    {
        if (!(value is >= 0 and < 1))
        {
            failures.Add(Message(prefix, key, $"must be in [0, 1), but was {Format(value)}"));
        }
    }

    private static string Message(string prefix, string key, string problem) =>
        string.IsNullOrEmpty(prefix) ? $"{key} {problem}." : $"{prefix}:{key} {problem}.";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
