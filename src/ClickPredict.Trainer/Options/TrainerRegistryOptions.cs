namespace ClickPredict.Trainer.Options;

/// <summary>Where the trainer publishes (config section <c>Registry</c>, the one the bidders watch).</summary>
public sealed class TrainerRegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary><c>Registry:Path</c>: the model registry directory. Default <c>models/registry</c>.</summary>
    public string Path { get; set; } = "models/registry";

    /// <summary><c>Registry:Retain</c>: published versions kept (the champion always is). Default 20.</summary>
    public int Retain { get; set; } = 20;

    /// <summary>
    /// <c>Registry:DefaultModelPath</c>: the model the bidders serve while the registry has no champion;
    /// the trainer compares its first candidate with it when the file exists. Default <c>models/default.cpm</c>.
    /// </summary>
    public string DefaultModelPath { get; set; } = "models/default.cpm";
}
