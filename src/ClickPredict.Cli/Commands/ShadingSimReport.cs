using ClickPredict.Core.Shading;

namespace ClickPredict.Cli.Commands;

/// <summary>What <c>shading-sim</c> prints: the run's settings and figures, money rounded to 4 decimals.</summary>
internal sealed record ShadingSimReport
{
    public int Seed { get; init; }

    public long Auctions { get; init; }

    public long SecondPriceSkipped { get; init; }

    public long WithoutCreative { get; init; }

    public double SimulatedHours { get; init; }

    public double CompetitionDriftPerDay { get; init; }

    public double ValuePerClickUsd { get; init; }

    public double MaxCpmUsd { get; init; }

    public double FixedFactor { get; init; }

    public double ExplorationShare { get; init; }

    public required IReadOnlyList<ShadingSimRow> Policies { get; init; }

    public required IReadOnlyList<ShadingSimRow> ByExchange { get; init; }

    public required ShadingSimLearner Learner { get; init; }

    public static ShadingSimReport From(ShadingSimulationOptions options, ShadingSimulationResult result) => new()
    {
        Seed = options.Seed,
        Auctions = result.Auctions,
        SecondPriceSkipped = result.SecondPriceSkipped,
        WithoutCreative = result.WithoutCreative,
        SimulatedHours = Math.Round(result.SimulatedTime.TotalHours, 2),
        CompetitionDriftPerDay = options.CompetitionDriftPerDay,
        ValuePerClickUsd = options.ValuePerClickUsd,
        MaxCpmUsd = options.MaxCpmUsd,
        FixedFactor = options.Shading.FallbackFactor,
        ExplorationShare = options.Shading.ExplorationShare,
        Policies = [.. result.Policies.Select(ShadingSimRow.From)],
        ByExchange = [.. result.ByExchange.Select(ShadingSimRow.From)],
        Learner = new ShadingSimLearner
        {
            ModelBids = result.ModelBids,
            FallbackBids = result.FallbackBids,
            ExploredBids = result.ExploredBids,
            WinLogLoss = Math.Round(result.WinLogLoss, 6),
            Exchanges = [.. result.Model.Exchanges.Select(e => new ShadingSimExchange { Name = e.Name, Observations = e.Observations, Wins = e.Wins, MinToWinReports = e.MinToWinReports })],
        },
    };
}
