using ClickPredict.Core.Calibration;

namespace ClickPredict.Trainer.Options;

/// <summary>
/// Live calibration of the champion between retrains (<c>Trainer:Learner:Calibration</c>); what the policy's
/// "recalibrate only" rounds publish (<c>RetrainPolicy:RecalibrateIntervalSeconds</c>).
/// </summary>
public sealed class LearnerCalibrationOptions
{
    private static readonly LiveCalibrationOptions s_defaults = new();

    /// <summary><c>Trainer:Learner:Calibration:Enabled</c>: learn a calibration of the champion from the examples. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>Trainer:Learner:Calibration:HalfLifeExamples</c>: an example's weight halves after this many later examples (0: by time). Default 5000.</summary>
    public double HalfLifeExamples { get; set; } = s_defaults.HalfLifeExamples;

    /// <summary><c>Trainer:Learner:Calibration:HalfLifeSeconds</c>: an example's weight halves after this much event time (0: by examples). Default 0.</summary>
    public double HalfLifeSeconds { get; set; } = s_defaults.HalfLifeSeconds;

    /// <summary><c>Trainer:Learner:Calibration:PriorClicks</c>: pseudo-clicks the global shift starts from. Default 5.</summary>
    public double PriorClicks { get; set; } = s_defaults.PriorClicks;

    /// <summary><c>Trainer:Learner:Calibration:EvidenceShrinkage</c>: a shift within this many standard errors of 0 stays 0 (shrinkage by evidence; 0: none). Default 2.</summary>
    public double EvidenceShrinkage { get; set; } = s_defaults.EvidenceShrinkage;

    /// <summary>
    /// <c>Trainer:Learner:Calibration:ShrinkageHistoryHalfLives</c>: judge a shift also against the shifts the champions
    /// have needed over this many half-lives (kept across champions), so a shift of a size the market keeps needing is not
    /// zeroed as noise; a calibrated stream is shrunk as without it (0: the shift's own value only). Default 10.
    /// </summary>
    public double ShrinkageHistoryHalfLives { get; set; } = s_defaults.ShrinkageHistoryHalfLives;

    /// <summary>
    /// <c>Trainer:Learner:Calibration:Trend</c>: project the global shift along its trend to the newest example (level
    /// plus trend) rather than serve the level, which lags the rate by its mean age. Default true.
    /// </summary>
    public bool Trend { get; set; } = s_defaults.Trend;

    /// <summary>
    /// <c>Trainer:Learner:Calibration:TrendHorizonSeconds</c>: with <c>Trend</c>, project this much further: the delay from
    /// an example's impression to the impressions the published calibration serves (the attribution window, half the
    /// recalibration interval, the bidder's registry poll). Default 0.
    /// </summary>
    public double TrendHorizonSeconds { get; set; } = s_defaults.TrendHorizonSeconds;

    /// <summary>
    /// <c>Trainer:Learner:Calibration:SegmentFields</c>: request fields (e.g. <c>exchange</c>, <c>device.type</c>)
    /// whose values get a shift of their own; the bidder applies segments of request fields only. Default none.
    /// </summary>
    public string[] SegmentFields { get; set; } = [];

    /// <summary><c>Trainer:Learner:Calibration:SegmentPriorClicks</c>: pseudo-clicks a segment's shift starts from. Default 5.</summary>
    public double SegmentPriorClicks { get; set; } = s_defaults.SegmentPriorClicks;

    /// <summary><c>Trainer:Learner:Calibration:MaxSegments</c>: segments kept per field. Default 256.</summary>
    public int MaxSegments { get; set; } = s_defaults.MaxSegments;

    /// <summary><c>Trainer:Learner:Calibration:MaxShift</c>: the total shift is clamped to +-this (logit). Default 3.</summary>
    public double MaxShift { get; set; } = s_defaults.MaxShift;

    /// <summary>The Core options, or null when not enabled.</summary>
    public LiveCalibrationOptions? ToCalibrationOptions() => !Enabled ? null : new LiveCalibrationOptions
    {
        HalfLifeExamples = HalfLifeExamples,
        HalfLifeSeconds = HalfLifeSeconds,
        PriorClicks = PriorClicks,
        EvidenceShrinkage = EvidenceShrinkage,
        ShrinkageHistoryHalfLives = ShrinkageHistoryHalfLives,
        Trend = Trend,
        TrendHorizonSeconds = TrendHorizonSeconds,
        SegmentFields = SegmentFields,
        SegmentPriorClicks = SegmentPriorClicks,
        MaxSegments = MaxSegments,
        MaxShift = MaxShift,
    };
}
