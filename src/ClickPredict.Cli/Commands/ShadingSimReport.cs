using System.Text.Json.Serialization;
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

/// <summary>One policy's figures (over every exchange, or one).</summary>
internal sealed record ShadingSimRow
{
    public required string Policy { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Exchange { get; init; }

    public long Auctions { get; init; }

    public long Bids { get; init; }

    public long Wins { get; init; }

    public double SpendUsd { get; init; }

    public double ValueWonUsd { get; init; }

    public double SurplusUsd { get; init; }

    /// <summary>Surplus as a percentage of the oracle's; null when the oracle earned none.</summary>
    public double? OfOraclePercent { get; init; }

    public static ShadingSimRow From(ShadingPolicyResult r) => new()
    {
        Policy = r.Policy,
        Exchange = r.Exchange,
        Auctions = r.Auctions,
        Bids = r.Bids,
        Wins = r.Wins,
        SpendUsd = Math.Round(r.SpendUsd, 4),
        ValueWonUsd = Math.Round(r.ValueWonUsd, 4),
        SurplusUsd = Math.Round(r.SurplusUsd, 4),
        OfOraclePercent = double.IsFinite(r.ShareOfOracle) ? Math.Round(r.ShareOfOracle * 100, 2) : null,
    };
}

/// <summary>How the learned shader priced its bids, and what its model learned per exchange.</summary>
internal sealed record ShadingSimLearner
{
    public long ModelBids { get; init; }

    public long FallbackBids { get; init; }

    public long ExploredBids { get; init; }

    public double WinLogLoss { get; init; }

    public required IReadOnlyList<ShadingSimExchange> Exchanges { get; init; }
}

/// <summary>One exchange in the learned model.</summary>
internal sealed record ShadingSimExchange
{
    public required string Name { get; init; }

    public long Observations { get; init; }

    public long Wins { get; init; }

    public long MinToWinReports { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ShadingSimReport))]
internal sealed partial class ShadingSimJsonContext : JsonSerializerContext;
