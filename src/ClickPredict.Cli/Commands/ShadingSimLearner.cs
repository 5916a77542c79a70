namespace ClickPredict.Cli.Commands;

/// <summary>How the learned shader priced its bids, and what its model learned per exchange.</summary>
internal sealed record ShadingSimLearner
{
    public long ModelBids { get; init; }

    public long FallbackBids { get; init; }

    public long ExploredBids { get; init; }

    public double WinLogLoss { get; init; }

    public required IReadOnlyList<ShadingSimExchange> Exchanges { get; init; }
}
