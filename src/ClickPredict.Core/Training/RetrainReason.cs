namespace ClickPredict.Core.Training;

/// <summary>
/// The reason that settled a retrain decision: a short, stable token used as the <c>reason</c> tag of
/// the <c>clickpredict.trainer.decisions</c> metric and in the decision log.
/// </summary>
public static class RetrainReason
{
    /// <summary>Published: there was no champion.</summary>
    public const string NoChampion = "no-champion";

    /// <summary>Published: the candidate beat the champion by the margin.</summary>
    public const string Improved = "improved";

    /// <summary>Published early: the champion's live loss degraded and the candidate is not worse.</summary>
    public const string Degraded = "degraded";

    /// <summary>Published early: the input drifted and the candidate is not worse.</summary>
    public const string Drifted = "drifted";

    /// <summary>Skipped: fewer new examples than <c>MinNewExamples</c>.</summary>
    public const string TooFewExamples = "too-few-examples";

    /// <summary>Skipped: the round would exceed <c>CpuBudgetSecondsPerHour</c>.</summary>
    public const string OverBudget = "over-budget";

    /// <summary>Skipped: the weights moved less than <c>MinWeightChange</c>.</summary>
    public const string WeightsUnchanged = "weights-unchanged";

    /// <summary>Skipped: the candidate did not beat the champion by the margin.</summary>
    public const string NoImprovement = "no-improvement";

    /// <summary>Recalibrated: the live calibration's recent log loss beats the serving calibration's by the margin.</summary>
    public const string Recalibrated = "recalibrated";

    /// <summary>Recalibration refused by its gate: not better than the serving calibration on the recent examples.</summary>
    public const string CalibrationNoBetter = "calibration-no-better";

    /// <summary>Recalibration skipped: the calibration learned from fewer than <c>RecalibrateMinExamples</c> examples of the champion.</summary>
    public const string TooFewCalibrationExamples = "too-few-calibration-examples";

    /// <summary>Skipped: the candidate could not be formed (non-finite weights) or evaluated (empty holdout).</summary>
    public const string NoCandidate = "no-candidate";
}
