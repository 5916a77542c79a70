namespace ClickPredict.Bidder.Options;

/// <summary>
/// The fleet's shared spend: config section <c>Fleet</c>. Every bidder reads the impressions topic back
/// from the start of the UTC day and enforces budgets and pacing against what the whole fleet has spent
/// (see docs/SCALING.md, "A fleet of bidders").
/// </summary>
public sealed class FleetOptions
{
    public const string SectionName = "Fleet";

    /// <summary>
    /// <c>Fleet:Enabled</c>: budgets and notice replay protection are fleet-wide, learned from the
    /// impressions topic (default true). False keeps them in this process's memory only: right for one
    /// bidder without Kafka (benchmarks), wrong for a fleet. Needs <c>Bidder:LogEvents</c>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// <c>Fleet:ShareRemainder</c>: what this bidder has charged and not yet read back stays within its share
    /// of what the fleet has left of each budget, (budget - fleet spend) / bidders (default true). Near the end
    /// of a budget it keeps the fleet from spending the read-back lag's worth past it, and through a Kafka
    /// outage it keeps the fleet within the budget. False: only the fleet's spend as read back counts.
    /// </summary>
    public bool ShareRemainder { get; set; } = true;

    /// <summary>
    /// <c>Fleet:BidReserveMs</c>: a bid's price counts against its campaign from when it is sent until its win
    /// notice is charged, or for this long when none comes (a lost bid). Default 1000; 0 turns reservations off.
    /// </summary>
    public int BidReserveMs { get; set; } = 1_000;

    /// <summary>
    /// <c>Fleet:StartWithoutKafka</c>: when Kafka cannot be reached at start, bid anyway on this bidder's
    /// own spend (a warning in the log and <c>clickpredict.bidder.fleet.state</c> = 3) and catch up with the
    /// fleet once Kafka answers (default false: no bids and <c>/readyz</c> unready until today's spend is read).
    /// </summary>
    public bool StartWithoutKafka { get; set; }

    /// <summary>
    /// <c>Fleet:ConnectTimeoutMs</c>: how long one attempt to find the impressions topic's partitions and
    /// offsets may take before Kafka counts as unreachable (and is tried again). Default 5000.
    /// </summary>
    public int ConnectTimeoutMs { get; set; } = 5_000;

    /// <summary>
    /// <c>Fleet:FetchWaitMs</c>: the longest the read-back consumer lets the broker hold a fetch that has
    /// nothing new (librdkafka's <c>fetch.wait.max.ms</c>): a bound on the read-back lag when the topic is
    /// quiet, at the cost of more fetch requests. Default 10.
    /// </summary>
    public int FetchWaitMs { get; set; } = 10;
}
