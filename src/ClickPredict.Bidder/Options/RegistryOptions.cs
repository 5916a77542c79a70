namespace ClickPredict.Bidder.Options;

/// <summary>Where models come from and how a new one is checked: config section <c>Registry</c>.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary><c>Registry:Path</c>: the model registry directory (its <c>index.json</c> names the champion). Default <c>models/registry</c>.</summary>
    public string Path { get; set; } = "models/registry";

    /// <summary><c>Registry:DefaultModelPath</c>: the model served while the registry has no champion. Default <c>models/default.cpm</c>.</summary>
    public string DefaultModelPath { get; set; } = "models/default.cpm";

    /// <summary>
    /// <c>Registry:ExpectedSpecFingerprint</c>: when set (16 hex digits), a model whose feature spec has
    /// another fingerprint is refused. Default unset: any OpenRTB-schema spec is served.
    /// </summary>
    public string? ExpectedSpecFingerprint { get; set; }

    /// <summary><c>Registry:PollIntervalMs</c>: how often the index is re-read besides file-system events. Default 2000.</summary>
    public int PollIntervalMs { get; set; } = 2000;

    /// <summary><c>Registry:CanaryRequests</c>: simulated requests every new model must score sanely before it serves. Default 64.</summary>
    public int CanaryRequests { get; set; } = 64;

    /// <summary><c>Registry:CanaryMinMeanPctr</c>: the canaries' mean pCTR must be at least this. Default 0.00001.</summary>
    public double CanaryMinMeanPctr { get; set; } = 0.00001;

    /// <summary><c>Registry:CanaryMaxMeanPctr</c>: ... and at most this. Default 0.5.</summary>
    public double CanaryMaxMeanPctr { get; set; } = 0.5;

    /// <summary><c>Registry:History</c>: previous models kept in memory for rollback. Default 5.</summary>
    public int History { get; set; } = 5;
}
