namespace ClickPredict.Trainer.Options;

/// <summary>
/// The trainer service: config section <c>Trainer</c> of <c>config/trainer.json</c> (environment
/// variables override, e.g. <c>Trainer__Joiner__AttributionWindowSeconds</c>). Validated at start by
/// <see cref="TrainerOptionsValidator"/>; a bad value stops start-up naming its key. Read once at start
/// (the retrain policy, <c>RetrainPolicy</c>, is the part that reloads).
/// </summary>
public sealed class TrainerOptions
{
    public const string SectionName = "Trainer";

    /// <summary><c>Trainer:StateDirectory</c>: where the joiner's and the learner's checkpoints live. Default <c>state/trainer</c>.</summary>
    public string StateDirectory { get; set; } = "state/trainer";

    /// <summary><c>Trainer:FeatureSpecPath</c>: the feature spec the learner hashes with. Default <c>config/features/default.json</c>.</summary>
    public string FeatureSpecPath { get; set; } = "config/features/default.json";

    /// <summary><c>Trainer:ModelId</c>: the model line published to the registry. Default <c>ctr</c>.</summary>
    public string ModelId { get; set; } = "ctr";

    /// <summary><c>Trainer:Joiner</c>.</summary>
    public JoinerOptions Joiner { get; set; } = new();

    /// <summary><c>Trainer:Learner</c>.</summary>
    public LearnerOptions Learner { get; set; } = new();

    /// <summary><c>Trainer:WinRate</c>: the first-price win-rate learner.</summary>
    public WinRateTrainerOptions WinRate { get; set; } = new();
}
