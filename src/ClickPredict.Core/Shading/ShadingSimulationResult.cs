namespace ClickPredict.Core.Shading;

/// <summary>The outcome of a <see cref="ShadingSimulation"/> run: one row per policy, the same per exchange, and how the learned shader priced its bids.</summary>
public sealed record ShadingSimulationResult
{
    /// <summary>fixed, learned, oracle, over every exchange.</summary>
    public required IReadOnlyList<ShadingPolicyResult> Policies { get; init; }

    /// <summary>The same, per first-price exchange.</summary>
    public required IReadOnlyList<ShadingPolicyResult> ByExchange { get; init; }

    /// <summary>First-price auctions replayed.</summary>
    public long Auctions { get; init; }

    /// <summary>Second-price requests of the stream skipped (every policy bids the value there).</summary>
    public long SecondPriceSkipped { get; init; }

    /// <summary>First-price requests skipped because no creative fits the slot.</summary>
    public long WithoutCreative { get; init; }

    /// <summary>Simulated time the replay spans.</summary>
    public TimeSpan SimulatedTime { get; init; }

    /// <summary>Learned shader's bids priced by its model, by the fixed factor while an exchange had too few outcomes, and explored.</summary>
    public long ModelBids { get; init; }

    public long FallbackBids { get; init; }

    public long ExploredBids { get; init; }

    /// <summary>The learner's progressive log loss of P(win) at the bids made.</summary>
    public double WinLogLoss { get; init; }

    /// <summary>The learned win-rate model at the end of the run.</summary>
    public required WinRateModel Model { get; init; }
}
