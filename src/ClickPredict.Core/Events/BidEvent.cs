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

    /// <summary>The floor the bid was priced against, CPM in US dollars (0 in events written before this field existed).</summary>
    [Key(17)]
    public double FloorCpmUsd { get; set; }

    /// <summary>The impression's expected value the bid was priced from (pCTR x value per click x 1000), CPM in US dollars (0 in older events).</summary>
    [Key(18)]
    public double ValueCpmUsd { get; set; }

    /// <summary>What priced the bid: <see cref="PricingValue"/>, <see cref="PricingFixed"/> or <see cref="PricingModel"/> (null in older events).</summary>
    [Key(19)]
    public string? Pricing { get; set; }

    /// <summary>Whether the bid was moved off its chosen price on purpose (exploration for the win-rate model).</summary>
    [Key(20)]
    public bool Explored { get; set; }

    /// <summary>Under the win-rate model, the win probability the bid was priced at; null otherwise.</summary>
    [Key(21)]
    public double? WinProbability { get; set; }

    /// <summary><see cref="Pricing"/> of a second-price bid: the value.</summary>
    public const string PricingValue = "value";

    /// <summary><see cref="Pricing"/> of a first-price bid at the value times the fixed factor.</summary>
    public const string PricingFixed = "fixed";

    /// <summary><see cref="Pricing"/> of a first-price bid priced under the win-rate model.</summary>
    public const string PricingModel = "model";
}
