using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>A win notice: the bid won and the impression was served. Keyed by <see cref="BidId"/>.</summary>
[MessagePackObject]
public sealed class ImpressionEvent
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    [Key(1)]
    public long TimeUnixMs { get; set; }

    /// <summary>Clearing price, CPM in <see cref="Currency"/> (the exchange's <c>${AUCTION_PRICE}</c>).</summary>
    [Key(2)]
    public decimal ClearingPriceCpm { get; set; }

    [Key(3)]
    public string Currency { get; set; } = "USD";

    [Key(4)]
    public string CampaignId { get; set; } = string.Empty;
}
