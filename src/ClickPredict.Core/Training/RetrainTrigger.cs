namespace ClickPredict.Core.Training;

/// <summary>Why a retrain round started.</summary>
public enum RetrainTrigger
{
    /// <summary>Nothing is due.</summary>
    None,

    /// <summary>No champion yet: the first model is due once enough examples are in.</summary>
    NoChampion,

    /// <summary>The fixed interval since the previous round has passed.</summary>
    Interval,

    /// <summary>The champion's live log loss fell behind the learner's past the threshold.</summary>
    Degradation,

    /// <summary>The input distribution of a key field drifted past the threshold.</summary>
    Drift,

    /// <summary>No retrain is due, but the champion's calibration is (<c>RecalibrateIntervalSeconds</c>): recalibrate only.</summary>
    Recalibrate,
}
