using System.Globalization;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Calibration;

/// <summary>
/// How a <see cref="LiveCalibration"/> learns its logit shifts (config section
/// <c>Trainer:Learner:Calibration</c>; the same record drives <c>evaluate</c> and <c>backtest</c>
/// with <c>--online-calibration</c>). Checked by <see cref="Validate"/>.
/// </summary>
public sealed record LiveCalibrationOptions
{
    /// <summary><c>HalfLifeExamples</c>: an example's weight in the shift halves after this many later examples (0: decay by time instead). Default 5000.</summary>
    public double HalfLifeExamples { get; init; } = 5_000;

    /// <summary><c>HalfLifeSeconds</c>: an example's weight halves after this much event time (0: decay by examples). Exactly one half-life is set. Default 0.</summary>
    public double HalfLifeSeconds { get; init; }

    /// <summary><c>PriorClicks</c>: pseudo-clicks (and as many expected clicks) the global shift starts from, so a few clicks do not swing it. Default 5.</summary>
    public double PriorClicks { get; init; } = 5;

    /// <summary>
    /// <c>EvidenceShrinkage</c> (k, in standard errors): each shift is multiplied by <c>max(0, 1 - k² v / shift²)</c>,
    /// <c>v</c> the variance the shift has when the model is calibrated (see <see cref="LiveCalibration"/>): a shift
    /// within k standard errors of 0 stays 0, a larger one is kept nearly whole. 2: the shift moves when the decayed
    /// clicks differ from the predicted ones at about the 5% level (chosen on simulated streams: no AUC cost without
    /// a shift, a fourfold shift tracked as fast as unshrunk); 1: the empirical-Bayes posterior mean; 0: no shrinkage. Default 2.
    /// </summary>
    public double EvidenceShrinkage { get; init; } = 2;

    /// <summary>
    /// <c>ShrinkageHistoryHalfLives</c>: with <c>EvidenceShrinkage</c>, judge a shift also against the shifts this stream has
    /// needed lately, not only against its own value: <c>τ²</c>, the decayed mean of <c>shift² - v</c> over this many
    /// half-lives, kept across champions, is the empirical-Bayes prior variance of the shift estimated from history rather
    /// than from the one value; once the history's mean square shift is beyond <c>k² v</c> (the bar a single shift must
    /// clear), the shift keeps at least <c>e / (e + v)</c> of itself, <c>e = τ² - (k² - 1) v</c>. A calibrated stream has
    /// <c>τ²</c> near 0 and is shrunk as without it; one whose models keep needing shifts well beyond the noise gets a
    /// small shift kept nearly whole instead of zeroed, and never more shrinkage than without it.
    /// 0: the shift's own value only. Default 10.
    /// </summary>
    public double ShrinkageHistoryHalfLives { get; init; } = 10;

    /// <summary>
    /// <c>Trend</c>: project the global shift along its trend (level plus trend, double exponential smoothing of the
    /// shift and of its mean event time, see <see cref="LiveCalibration.TrendShift"/>) rather than serve the level,
    /// whose decayed sums lag the rate by their mean age (about 1.44 half-lives). Only a shift the clicks support
    /// (level not 0) is projected, and only by a trend beyond <c>EvidenceShrinkage</c> standard errors of its own
    /// noise, so a calibrated model is left alone as without it. Default true.
    /// </summary>
    public bool Trend { get; init; } = true;

    /// <summary>
    /// <c>TrendHorizonSeconds</c>: with <c>Trend</c>, project this much event time beyond the newest example: the
    /// delay from an example's impression to the impressions the published calibration serves (the label's
    /// attribution window, half the recalibration interval, the bidder's registry poll). 0 offline, where each row
    /// is calibrated at once. Default 0.
    /// </summary>
    public double TrendHorizonSeconds { get; init; }

    /// <summary>
    /// <c>SegmentFields</c>: fields (of the model's schema) whose values get a shift of their own on top of
    /// the global one, e.g. <c>adexchange</c> or <c>imp.banner.size</c>. Empty: the global shift only. Default empty.
    /// </summary>
    public string[] SegmentFields { get; init; } = [];

    /// <summary><c>SegmentPriorClicks</c>: pseudo-clicks a segment's shift starts from (it shrinks towards the global shift). Default 5.</summary>
    public double SegmentPriorClicks { get; init; } = 5;

    /// <summary><c>MaxSegments</c>: segments kept per field at most; values beyond get the global shift only. Default 256.</summary>
    public int MaxSegments { get; init; } = 256;

    /// <summary><c>MaxShift</c>: the total shift is clamped to +-this (logit units; 3 is a factor of about 20 in odds). Default 3.</summary>
    public double MaxShift { get; init; } = 3;

    /// <summary>
    /// Every problem with the settings, each naming its key under <paramref name="prefix"/>; empty when valid.
    /// <paramref name="schema"/>, when given, is what <see cref="SegmentFields"/> must come from.
    /// </summary>
    public List<string> Validate(string prefix, FieldSchema? schema = null)
    {
        var failures = new List<string>();
        NonNegative(prefix, nameof(HalfLifeExamples), HalfLifeExamples, failures);
        NonNegative(prefix, nameof(HalfLifeSeconds), HalfLifeSeconds, failures);
        if ((HalfLifeExamples > 0) == (HalfLifeSeconds > 0))
        {
            failures.Add($"{prefix}:{nameof(HalfLifeExamples)} / {nameof(HalfLifeSeconds)}: exactly one must be > 0, but they were {Format(HalfLifeExamples)} and {Format(HalfLifeSeconds)}.");
        }

        Positive(prefix, nameof(PriorClicks), PriorClicks, failures);
        Positive(prefix, nameof(SegmentPriorClicks), SegmentPriorClicks, failures);
        Positive(prefix, nameof(MaxShift), MaxShift, failures);
        NonNegative(prefix, nameof(EvidenceShrinkage), EvidenceShrinkage, failures);
        if (EvidenceShrinkage > 10)
        {
            failures.Add($"{prefix}:{nameof(EvidenceShrinkage)} must be at most 10 (standard errors), but was {Format(EvidenceShrinkage)}.");
        }

        NonNegative(prefix, nameof(ShrinkageHistoryHalfLives), ShrinkageHistoryHalfLives, failures);
        if (ShrinkageHistoryHalfLives > 1000)
        {
            failures.Add($"{prefix}:{nameof(ShrinkageHistoryHalfLives)} must be at most 1000 (half-lives), but was {Format(ShrinkageHistoryHalfLives)}.");
        }

        NonNegative(prefix, nameof(TrendHorizonSeconds), TrendHorizonSeconds, failures);
        if (TrendHorizonSeconds > 86_400)
        {
            failures.Add($"{prefix}:{nameof(TrendHorizonSeconds)} must be at most 86400 (a day), but was {Format(TrendHorizonSeconds)}.");
        }

        if (MaxSegments is < 1 or > 100_000)
        {
            failures.Add($"{prefix}:{nameof(MaxSegments)} must be between 1 and 100000, but was {MaxSegments}.");
        }

        for (var i = 0; i < SegmentFields.Length; i++)
        {
            var field = SegmentFields[i];
            if (string.IsNullOrWhiteSpace(field))
            {
                failures.Add($"{prefix}:{nameof(SegmentFields)}:{i} must name a field.");
            }
            else if (schema is not null && !schema.TryGetField(field, out _))
            {
                failures.Add($"{prefix}:{nameof(SegmentFields)}:{i} '{field}' is not a field of schema {schema.Name}.");
            }
        }

        return failures;
    }

    private static void NonNegative(string prefix, string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value >= 0))
        {
            failures.Add($"{prefix}:{key} must be a finite number >= 0, but was {Format(value)}.");
        }
    }

    private static void Positive(string prefix, string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            failures.Add($"{prefix}:{key} must be a finite number > 0, but was {Format(value)}.");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
