using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>
/// A loss notice (<c>lurl</c>): the exchange says our bid did not win. Keyed by <see cref="BidId"/>, on its
/// own topic (<c>Kafka:Topics:Losses</c>). Charges nothing; it is what the win-rate model learns a first-price
/// loss from. A notice that reached two bidders at once can be logged twice: a reader takes the first event of
/// each bid id (partition order), as the spend ledger does with impressions.
/// </summary>
[MessagePackObject]
public sealed class LossEvent
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    /// <summary>When the notice came (Unix milliseconds).</summary>
    [Key(1)]
    public long TimeUnixMs { get; set; }

    /// <summary>When the bid was made (Unix milliseconds).</summary>
    [Key(2)]
    public long BidTimeUnixMs { get; set; }

    [Key(3)]
    public string CampaignId { get; set; } = string.Empty;

    /// <summary>
    /// The exchange's loss reason (<c>${AUCTION_LOSS}</c>, OpenRTB 3.0 "List: Loss Reason Codes"; 102: lost
    /// to a higher bid); null when the exchange did not fill it in.
    /// </summary>
    [Key(4)]
    public int? LossReason { get; set; }

    /// <summary>
    /// The exchange's minimum bid to win (<c>${AUCTION_MIN_TO_WIN}</c>, in our bid's currency), CPM converted to
    /// US dollars at the logging bidder's rate; null when the exchange did not report it.
    /// </summary>
    [Key(5)]
    public decimal? MinToWinCpmUsd { get; set; }

    /// <summary>Our bid's price, CPM in US dollars.</summary>
    [Key(6)]
    public decimal BidPriceCpmUsd { get; set; }

    /// <summary><see cref="LossReason"/> of a bid outbid by another (the only loss that says where the price to beat was).</summary>
    public const int LostToHigherBid = 102;

    /// <summary>
    /// Whether this loss tells anything about the price to beat: lost to a higher bid, or no reason given
    /// (an exchange that does not fill the macro). Other 100-series reasons (below floor, invalid, ...) do not.
    /// </summary>
    [IgnoreMember]
    public bool IsPriceLoss => LossReason is null or LostToHigherBid;
}
