namespace ClickPredict.Core.Shading;

/// <summary>
/// Prices a first-price bid: the bid maximising expected surplus under the win-rate source's curve for
/// the context, within the floor, the value and the campaign's max CPM; the fixed factor while there is
/// no source or the exchange has too few outcomes in it; and, for a configured share of bids, a price moved
/// off that choice by a random factor, so the learner keeps seeing outcomes around it. Second-price
/// auctions are not for this class: there bidding the value is near-optimal. Allocation-free; thread-safe
/// (it holds only its options).
/// </summary>
public sealed class BidShader
{
    public BidShader(ShadingOptions? options = null)
    {
        Options = options ?? new ShadingOptions();
        Options.Validate();
    }

    public ShadingOptions Options { get; }

    /// <summary>
    /// The bid for an impression worth <paramref name="value"/> (expected value, CPM, USD) in
    /// <paramref name="context"/> (whose floor bounds it below), at most <paramref name="maxBid"/>.
    /// <paramref name="uniform"/> is a fresh uniform draw in [0, 1): below the exploration share it explores.
    /// <paramref name="source"/> null means no model is loaded. The same as <see cref="Plan"/> then
    /// <see cref="Shade(in ShadingPlan, double, double, double)"/>.
    /// </summary>
    public ShadedBid Shade<TSource>(TSource? source, in ShadingContext context, double value, double maxBid, double uniform)
        where TSource : class, IWinRateSource =>
        Shade(Plan(source, context), value, maxBid, uniform);

    /// <summary>
    /// Decides how an imp's bids are priced: the context's win curve when <paramref name="source"/> has at
    /// least <see cref="ShadingOptions.MinObservations"/> outcomes on its exchange, else the fixed factor.
    /// Once per imp; its creatives (each of its own value) then share it.
    /// </summary>
    public ShadingPlan Plan<TSource>(TSource? source, in ShadingContext context)
        where TSource : class, IWinRateSource =>
        source is not null && source.ObservationsOf(context.ExchangeKey) >= Options.MinObservations
            ? new ShadingPlan(ShadingSource.Model, source.Curve(context), context.FloorCpm)
            : new ShadingPlan(ShadingSource.Fallback, default, context.FloorCpm);

    /// <summary>The bid for one creative of value <paramref name="value"/> under <paramref name="plan"/> (see the other overload).</summary>
    public ShadedBid Shade(in ShadingPlan plan, double value, double maxBid, double uniform)
    {
        var floor = plan.FloorCpm;
        var explore = uniform < Options.ExplorationShare;
        if (plan.Source == ShadingSource.Model)
        {
            var best = SurplusMaximizer.Maximize(plan.Curve, plan.Offset, value, floor, maxBid);
            if (!best.IsBid)
            {
                return default;
            }

            if (!explore)
            {
                return new ShadedBid(best.Bid, ShadingSource.Model, false, best.WinProbability, best.ExpectedSurplus);
            }

            var moved = Explore(best.Bid, uniform, value, floor, maxBid);
            var p = plan.Curve.WinProbability(moved);
            return new ShadedBid(moved, ShadingSource.Model, true, p, (value - moved) * p);
        }

        var bid = FixedShading.Bid(value, Options.FallbackFactor, floor, maxBid);
        if (bid <= 0)
        {
            return default;
        }

        return explore
            ? new ShadedBid(Explore(bid, uniform, value, floor, maxBid), ShadingSource.Fallback, true, double.NaN, double.NaN)
            : new ShadedBid(bid, ShadingSource.Fallback, false, double.NaN, double.NaN);
    }

    /// <summary>
    /// The bid times <c>e^x</c>, x uniform in [-width, width] (the draw below the share, rescaled), kept within
    /// the floor and the lower of the value and the max bid.
    /// </summary>
    private double Explore(double bid, double uniform, double value, double floor, double maxBid)
    {
        var x = ((2 * uniform / Options.ExplorationShare) - 1) * Options.ExplorationWidth;
        var hi = Math.Min(value, maxBid);
        var lo = Math.Min(Math.Max(floor, SurplusMaximizer.MinBid), hi);
        return Math.Clamp(bid * Math.Exp(x), lo, hi);
    }
}
