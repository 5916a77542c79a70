using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Options;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Shading;

namespace ClickPredict.Bidder.Shading;

/// <summary>
/// First-price pricing under the win-rate model: the imp's context and plan (<see cref="BidShader.Plan"/>,
/// once per imp) and each creative's shaded price, in the bid currency, rounded down as every price is. Used
/// only when <c>Shading:Pricing</c> is <c>Model</c> and a model is loaded; the fixed factor
/// (<see cref="BidPricing"/>) prices otherwise, and where the model has too few outcomes on the exchange.
/// Allocation-free.
/// </summary>
internal sealed class FirstPricePricer
{
    private readonly WinRateHolder _models;
    private readonly bool _useModel;

    public FirstPricePricer(WinRateHolder models, BidShadingOptions options, decimal fallbackFactor)
    {
        ArgumentNullException.ThrowIfNull(options);
        _models = models;
        _useModel = options.Pricing == ShadingPricing.Model;
        Shader = new BidShader(new ShadingOptions
        {
            FallbackFactor = (double)fallbackFactor,
            MinObservations = options.MinObservations,
            ExplorationShare = options.ExplorationShare,
            ExplorationWidth = options.ExplorationWidth,
        });
    }

    public BidShader Shader { get; }

    /// <summary>The model to price this request's first-price bids under; null: the fixed factor. Read once per request.</summary>
    public WinRateModel? Current => _useModel ? _models.Current : null;

    /// <summary>
    /// The plan for <paramref name="imp"/>: true when its bids are priced by the model's curve, false when the
    /// model does not trust its exchange yet (the fixed factor then).
    /// </summary>
    public bool TryPlan(WinRateModel model, BidContext ctx, Imp imp, double floorUsd, out ShadingPlan plan)
    {
        plan = Shader.Plan(model, ContextOf(ctx, imp, floorUsd));
        return plan.Source == ShadingSource.Model;
    }

    /// <summary>The imp's <see cref="ShadingContext"/>: exchange, slot size (banner w x h, else its first format), floor, hour, device type, app.</summary>
    public static ShadingContext ContextOf(BidContext ctx, Imp imp, double floorUsd)
    {
        var request = ctx.Request;
        int width = 0, height = 0;
        if (imp.BannerW > 0 && imp.BannerH > 0)
        {
            width = imp.BannerW.Value;
            height = imp.BannerH.Value;
        }
        else if (imp.FormatCount > 0)
        {
            var first = request.Formats(imp)[0];
            width = first.W;
            height = first.H;
        }

        return new ShadingContext(
            ctx.Exchange.ShadingKey,
            width,
            height,
            floorUsd,
            ctx.ReceivedUtc.UtcDateTime.Hour,
            request.Device.DeviceType ?? 0,
            !request.Site.IsPresent && request.App.IsPresent);
    }
}
