using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>
/// A win or billing notice: the bid won and the impression was served. Keyed by <see cref="BidId"/>. Also
/// the fleet's spend ledger: every bidder reads this topic back from the start of the UTC day and books
/// <see cref="SpendUsd"/> of the first event of each bid id (partition order), so an impression logged twice
/// (a replayed notice that reached two bidders at once) is charged once.
/// </summary>
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

    /// <summary>When the bid was made (Unix milliseconds; 0 in events written before this field existed).</summary>
    [Key(5)]
    public long BidTimeUnixMs { get; set; }

    /// <summary>
    /// What the impression cost in US dollars (the clearing CPM / 1000, converted at the charging bidder's
    /// rate); 0 in events written before this field existed, whose readers convert <see cref="ClearingPriceCpm"/> themselves.
    /// </summary>
    [Key(6)]
    public decimal SpendUsd { get; set; }

    /// <summary>Which notice booked it: <see cref="WinNotice"/> or <see cref="BillingNotice"/> (null in older events: a win).</summary>
    [Key(7)]
    public string? Notice { get; set; }

    /// <summary>
    /// Our bid's price, CPM in US dollars (0 in events written before this field existed): the bidder that
    /// made the bid releases what it reserved for it when another bidder took its notice.
    /// </summary>
    [Key(8)]
    public decimal BidPriceCpmUsd { get; set; }

    /// <summary>
    /// The exchange's minimum bid to win (<c>${AUCTION_MIN_TO_WIN}</c> on the notice), CPM in US dollars; null
    /// when the exchange did not report it (and in events written before this field existed).
    /// </summary>
    [Key(9)]
    public decimal? MinToWinCpmUsd { get; set; }

    /// <summary><see cref="Notice"/> of a win notice (<c>nurl</c>).</summary>
    public const string WinNotice = "win";

    /// <summary><see cref="Notice"/> of a billing notice (<c>burl</c>).</summary>
    public const string BillingNotice = "bill";
}
