namespace ClickPredict.Core.Training;

/// <summary>What a retrain round decided.</summary>
public enum RetrainOutcome
{
    /// <summary>The candidate becomes the champion.</summary>
    Publish,

    /// <summary>The champion stays.</summary>
    Skip,

    /// <summary>The champion stays, with the live calibration published for it (no retrain).</summary>
    Recalibrate,
}
