using ClickPredict.Core.Events;

namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// How a bid was priced, for its event: the value (expected value, CPM, USD) and floor (CPM, USD) it was priced
/// from, the rule (<see cref="BidEvent.PricingValue"/>, <see cref="BidEvent.PricingFixed"/> or
/// <see cref="BidEvent.PricingModel"/>), whether it was explored and, under the model, its win probability (NaN otherwise).
/// </summary>
internal readonly record struct BidPriced(double ValueCpmUsd, double FloorCpmUsd, BidPricingRule Rule, bool Explored, double WinProbability);

/// <summary>What priced a bid.</summary>
internal enum BidPricingRule : byte
{
    /// <summary>Second price: the value.</summary>
    Value,

    /// <summary>First price, the value times <c>Bidder:FirstPriceShading</c>.</summary>
    Fixed,

    /// <summary>First price, the win-rate model's surplus maximum (or an exploration around it).</summary>
    Model,
}
