using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>
/// The bidder bid: logged to the bids topic, keyed by <see cref="BidId"/>. Carries the raw field
/// values (never hashes) so the trainer and the back-tester rebuild features with whatever spec they use.
/// </summary>
[MessagePackObject]
public sealed class BidEvent
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    [Key(1)]
    public string RequestId { get; set; } = string.Empty;

    [Key(2)]
    public string ImpId { get; set; } = string.Empty;

    /// <summary>When the request arrived (Unix milliseconds, UTC).</summary>
    [Key(3)]
    public long TimeUnixMs { get; set; }

    [Key(4)]
    public string? Exchange { get; set; }

    [Key(5)]
    public string ModelId { get; set; } = string.Empty;

    [Key(6)]
    public int ModelVersion { get; set; }

    /// <summary>Fingerprint (hex) of the feature spec the pCTR was computed with.</summary>
    [Key(7)]
    public string SpecFingerprint { get; set; } = string.Empty;

    /// <summary>The calibrated pCTR the bid was priced from, exactly as computed.</summary>
    [Key(8)]
    public double PCtr { get; set; }

    /// <summary>Bid price, CPM in <see cref="Currency"/>.</summary>
    [Key(9)]
    public decimal PriceCpm { get; set; }

    [Key(10)]
    public string Currency { get; set; } = "USD";

    [Key(11)]
    public int AuctionType { get; set; }

    [Key(12)]
    public string CampaignId { get; set; } = string.Empty;

    [Key(13)]
    public string CreativeId { get; set; } = string.Empty;

    [Key(14)]
    public string AdvertiserId { get; set; } = string.Empty;

    /// <summary>Schema of <see cref="Fields"/> (<c>openrtb</c>).</summary>
    [Key(15)]
    public string Schema { get; set; } = "openrtb";

    /// <summary>Raw field values by field name; missing fields are absent.</summary>
    [Key(16)]
    public Dictionary<string, string> Fields { get; set; } = [];
}
