using ClickPredict.Core.Learning;

namespace ClickPredict.Trainer.Options;

/// <summary>The continuous learner (<c>Trainer:Learner</c>).</summary>
public sealed class LearnerOptions
{
    private static readonly FtrlOptions s_ftrl = new();

    /// <summary><c>Trainer:Learner:Enabled</c>: run the learner in this process. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Trainer:Learner:GroupId</c>: the group the learner commits its covered offsets to (it reads every partition itself). Default <c>clickpredict-learner</c>.</summary>
    public string GroupId { get; set; } = "clickpredict-learner";

    /// <summary><c>Trainer:Learner:Alpha</c>: FTRL learning-rate scale. Default 0.05.</summary>
    public double Alpha { get; set; } = s_ftrl.Alpha;

    /// <summary><c>Trainer:Learner:Beta</c>: FTRL learning-rate smoothing. Default 1.</summary>
    public double Beta { get; set; } = s_ftrl.Beta;

    /// <summary><c>Trainer:Learner:Lambda1</c>: FTRL L1. Default 1.</summary>
    public double Lambda1 { get; set; } = s_ftrl.Lambda1;

    /// <summary><c>Trainer:Learner:Lambda2</c>: FTRL L2. Default 1.</summary>
    public double Lambda2 { get; set; } = s_ftrl.Lambda2;

    /// <summary>
    /// <c>Trainer:Learner:NegativeSamplingRate</c>: fraction of non-clicks learned (1 = all); kept ones
    /// are learned with importance weight <c>1 / rate</c>, so the model stays calibrated. Default 1.
    /// </summary>
    public double NegativeSamplingRate { get; set; } = 1.0;

    /// <summary><c>Trainer:Learner:HoldoutExamples</c>: the most recent examples held back from learning to score candidate and champion on. Default 20000.</summary>
    public int HoldoutExamples { get; set; } = 20_000;

    /// <summary><c>Trainer:Learner:CheckpointIntervalSeconds</c>: how often the learner's state is checkpointed (and its offsets committed). Default 30.</summary>
    public double CheckpointIntervalSeconds { get; set; } = 30;

    /// <summary>
    /// <c>Trainer:Learner:CheckIntervalMs</c>: how often the retrain policy is consulted, in event time (the
    /// examples' impression times), so a replay of the same examples decides the same; a policy reload or a
    /// champion changed in the registry is also looked at this often on the wall clock. Default 1000.
    /// </summary>
    public int CheckIntervalMs { get; set; } = 1000;

    /// <summary><c>Trainer:Learner:Calibration</c>: live calibration of the champion between retrains.</summary>
    public LearnerCalibrationOptions Calibration { get; set; } = new();

    /// <summary>The FTRL hyper-parameters (importance weighting handles down-sampling, so the rate there stays 1).</summary>
    public FtrlOptions ToFtrlOptions() => new() { Alpha = Alpha, Beta = Beta, Lambda1 = Lambda1, Lambda2 = Lambda2 };

    /// <summary>
    /// The online trainer these settings describe, publishing the model line <paramref name="modelId"/> and
    /// naming <paramref name="topic"/> as its examples' source. The policy is consulted every
    /// <see cref="CheckIntervalMs"/> of event time.
    /// </summary>
    public ClickPredict.Core.Training.OnlineTrainerOptions ToTrainerOptions(string modelId, string topic) => new()
    {
        ModelId = modelId,
        Ftrl = ToFtrlOptions(),
        HoldoutExamples = HoldoutExamples,
        NegativeSamplingRate = NegativeSamplingRate,
        CheckIntervalMs = CheckIntervalMs,
        Calibration = Calibration?.ToCalibrationOptions(),
        Source = "kafka:" + topic,
        OffsetsName = topic,
    };
}
