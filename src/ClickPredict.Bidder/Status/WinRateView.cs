using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Shading;
using ClickPredict.Core.Shading;

namespace ClickPredict.Bidder.Status;

/// <summary>First-price shading on <c>/status.json</c>: how first-price bids are priced and the win-rate model in service.</summary>
internal sealed class WinRateView
{
    /// <summary><c>Shading:Pricing</c>: <c>Model</c> or <c>Fixed</c>.</summary>
    public string Pricing { get; init; } = string.Empty;

    /// <summary>What prices first-price bids now: <c>model</c> (a model is loaded and pricing is Model) or <c>fixed</c>.</summary>
    public string PricedBy { get; init; } = string.Empty;

    public double FallbackFactor { get; init; }

    public double ExplorationShare { get; init; }

    public long MinObservations { get; init; }

    /// <summary>The model's registry label, when it came from the registry.</summary>
    public string? Label { get; init; }

    public string? Parent { get; init; }

    public DateTimeOffset? CreatedUtc { get; init; }

    public long? Observations { get; init; }

    /// <summary>Its progressive log loss of P(win) when published.</summary>
    public double? WinLogLoss { get; init; }

    public IReadOnlyList<WinRateExchange> Exchanges { get; init; } = [];

    /// <summary>Model files refused (the model in service kept serving), and why the last one was.</summary>
    public long Refused { get; init; }

    public string? LastRefusal { get; init; }

    public string Registry { get; init; } = string.Empty;

    public static WinRateView Of(WinRateHolder holder, WinRateWatcher watcher, FirstPricePricer pricer, BidShadingOptions options)
    {
        var model = holder.Current;
        var shading = pricer.Shader.Options;
        return new WinRateView
        {
            Pricing = options.Pricing.ToString(),
            PricedBy = pricer.Current is null ? BidderPricedBy.Fixed : BidderPricedBy.Model,
            FallbackFactor = shading.FallbackFactor,
            ExplorationShare = shading.ExplorationShare,
            MinObservations = shading.MinObservations,
            Label = model is null ? null : watcher.ServingLabel ?? model.Info.Label,
            Parent = model?.Info.Parent,
            CreatedUtc = model?.Info.CreatedUtc,
            Observations = model?.Info.Observations,
            WinLogLoss = model is not null && model.Info.Metrics.TryGetValue("winLogLoss", out var loss) ? loss : null,
            Exchanges = model?.Exchanges ?? [],
            Refused = holder.Refusals,
            LastRefusal = holder.LastRefusal,
            Registry = watcher.Registry.Directory,
        };
    }

    private static class BidderPricedBy
    {
        public const string Model = "model";
        public const string Fixed = "fixed";
    }
}
