namespace ClickPredict.Trainer.Options;

/// <summary>
/// The win-rate learner (<c>Trainer:WinRate</c>): learns P(win | bid, context) for first-price bids from the
/// bids, impressions and losses topics and publishes it to its own registry, which the bidders watch
/// (<c>Shading:RegistryPath</c>). See <see cref="WinRate.WinRateService"/>.
/// </summary>
public sealed class WinRateTrainerOptions
{
    /// <summary><c>Trainer:WinRate:Enabled</c>: run the win-rate learner in this process. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Trainer:WinRate:GroupId</c>: its consumer group. Default <c>clickpredict-winrate</c>.</summary>
    public string GroupId { get; set; } = "clickpredict-winrate";

    /// <summary><c>Trainer:WinRate:RegistryPath</c>: where win-rate models are published. Default <c>models/winrate</c>.</summary>
    public string RegistryPath { get; set; } = "models/winrate";

    /// <summary><c>Trainer:WinRate:Retain</c>: published versions kept (the champion always is). Default 20.</summary>
    public int Retain { get; set; } = 20;

    /// <summary><c>Trainer:WinRate:WinWaitSeconds</c>: a first-price bid with neither win nor loss notice this long after it counts as lost (censored). Default 300.</summary>
    public double WinWaitSeconds { get; set; } = 300;

    /// <summary><c>Trainer:WinRate:PublishEveryOutcomes</c>: outcomes learned between two publish decisions. Default 2000.</summary>
    public int PublishEveryOutcomes { get; set; } = 2_000;

    /// <summary><c>Trainer:WinRate:MinOutcomes</c>: outcomes learned before the first model is published. Default 500.</summary>
    public int MinOutcomes { get; set; } = 500;

    /// <summary>
    /// <c>Trainer:WinRate:MaxLogLossRatio</c>: the gate. A candidate is published only when its progressive log
    /// loss of P(win) over the outcomes since the last decision is at most this times the serving champion's
    /// on the same outcomes. Default 1.0 (no worse).
    /// </summary>
    public double MaxLogLossRatio { get; set; } = 1.0;
}
