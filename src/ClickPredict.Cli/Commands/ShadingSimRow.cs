using System.Text.Json.Serialization;
using ClickPredict.Core.Shading;

namespace ClickPredict.Cli.Commands;

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
