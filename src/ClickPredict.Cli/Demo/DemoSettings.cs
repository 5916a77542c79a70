namespace ClickPredict.Cli.Demo;

/// <summary>What <c>clickpredict demo</c> runs: how long, how fast, on which simulated market.</summary>
internal sealed record DemoSettings
{
    /// <summary>How long the traffic runs (Ctrl-C ends it sooner).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bid requests per second the simulated exchange sends.</summary>
    public int Qps { get; init; } = 300;

    /// <summary>Whether the market's hidden CTRs drift while the demo runs (one radian per minute).</summary>
    public bool Drift { get; init; }

    /// <summary>
    /// Seed of the simulated market. The default, 7, is a market the shipped default model (trained
    /// on seed 42) has never seen, so the trainer has something to learn.
    /// </summary>
    public int Seed { get; init; } = 7;

    /// <summary>Where the registry and the trainer's state go; null: a temporary directory, removed at the end.</summary>
    public string? Directory { get; init; }

    /// <summary>Seconds between the trainer's scheduled retrains (<see cref="DefaultRetrainIntervalSeconds"/> or, with drift, <see cref="DriftRetrainIntervalSeconds"/>).</summary>
    public int RetrainIntervalSeconds { get; init; } = DefaultRetrainIntervalSeconds;

    /// <summary>The retrain interval without <c>--drift</c>: short, so a few minutes show several retrains.</summary>
    public const int DefaultRetrainIntervalSeconds = 15;

    /// <summary>
    /// The retrain interval with <c>--drift</c> unless one is given: rare against the recalibrations (every 2 s), as
    /// in production, where a retrain is slow and costly and a recalibration cheap (the shipped trainer.json retrains
    /// every 900 s and recalibrates every 60 s), so the run shows what calibration does between retrains. A
    /// recalibration corrects a drift 10-15 s after it shows (the click window, the join, the half-life, the 5 s
    /// buckets); with retrains every 15 s, a retrain came as soon and there was nothing between retrains to see.
    /// </summary>
    public const int DriftRetrainIntervalSeconds = 60;

    /// <summary>Seconds between the trainer's recalibrate-only rounds (live calibration published between retrains).</summary>
    public int RecalibrateIntervalSeconds { get; init; } = 2;

    /// <summary>Half-life of the trainer's live calibration, in examples.</summary>
    public const int CalibrationHalfLifeExamples = 1000;

    /// <summary>
    /// How far beyond its newest example the trainer projects the calibration's trend
    /// (<c>Trainer:Learner:Calibration:TrendHorizonSeconds</c>): the delay from an impression to the impressions its
    /// label's calibration serves, all known here: the label delay (the click window the joiner waits), half the
    /// recalibration interval (a calibration serves until the next) and half the bidder's registry poll.
    /// </summary>
    public double CalibrationTrendHorizonSeconds => LabelDelaySeconds + (RecalibrateIntervalSeconds / 2.0) + (RegistryPollMs / 2000.0);

    /// <summary>How often the bidders look for a new model or calibration in the registry, milliseconds.</summary>
    public const int RegistryPollMs = 500;

    /// <summary>Width of one point of the bidder's live series, seconds.</summary>
    public int BucketSeconds { get; init; } = 5;

    /// <summary>How long after a win its click is waited for (the bidder's label delay and the joiner's attribution window), seconds.</summary>
    public int LabelDelaySeconds { get; init; } = 4;

    /// <summary>Bidders behind the simulated exchange's load balancer, each on its own port, sharing one broker.</summary>
    public int Bidders { get; init; } = 1;

    /// <summary>Every campaign's daily budget for the run (spent as fast as traffic allows); null: the shipped campaigns' own.</summary>
    public decimal? BudgetUsd { get; init; }

    /// <summary>When (a share of <see cref="Duration"/>) the last bidder is stopped and started again; null: never.</summary>
    public double? RestartBidderAt { get; init; }

    /// <summary>Share of win notices the exchange sends a second time, to another bidder.</summary>
    public double ReplayShare { get; init; } = 0.01;

    /// <summary>
    /// Configuration keys given to every service of the demo after its own defaults (for example
    /// <c>Kafka:Producer:MessageTimeoutMs</c>); a key a single bidder sets for itself (its URL, its notice key) wins.
    /// </summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Drift of the hidden CTR function in radians per simulated day when <see cref="Drift"/> is on.</summary>
    public double DriftPerDay => Drift ? 1440 : 0;
}
