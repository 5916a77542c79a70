namespace ClickPredict.Trainer.Options;

/// <summary>
/// The joiner (<c>Trainer:Joiner</c>): joins bids, impressions and clicks by bid id into labelled
/// examples. Times are event times (the events' own timestamps), see <see cref="Joining.JoinerService"/>.
/// </summary>
public sealed class JoinerOptions
{
    /// <summary><c>Trainer:Joiner:Enabled</c>: run the joiner in this process. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Trainer:Joiner:GroupId</c>: the consumer group joiners share (they split the partitions). Default <c>clickpredict-joiner</c>.</summary>
    public string GroupId { get; set; } = "clickpredict-joiner";

    /// <summary>
    /// <c>Trainer:Joiner:Consumers</c>: how many members of the group this process runs, each a consumer
    /// on its own thread with its share of the partitions (a joiner's work is one thread per member, so
    /// this is how a joiner uses more than one core). At most the topics' partition count does work; the
    /// rest stand by. Default 1.
    /// </summary>
    public int Consumers { get; set; } = 1;

    /// <summary><c>Trainer:Joiner:BidWaitSeconds</c>: how long an impression (or a click) waits for its bid. Default 60.</summary>
    public double BidWaitSeconds { get; set; } = 60;

    /// <summary><c>Trainer:Joiner:WinWaitSeconds</c>: how long a bid waits for its win notice before it counts as lost. Default 300.</summary>
    public double WinWaitSeconds { get; set; } = 300;

    /// <summary><c>Trainer:Joiner:AttributionWindowSeconds</c>: how long after the impression a click still counts. Default 1800.</summary>
    public double AttributionWindowSeconds { get; set; } = 1800;

    /// <summary>
    /// <c>Trainer:Joiner:DedupeRetentionSeconds</c>: how long a finished bid id is remembered, so a
    /// duplicate or late event for it is dropped and counted rather than joined again. Default 3600.
    /// </summary>
    public double DedupeRetentionSeconds { get; set; } = 3600;

    /// <summary><c>Trainer:Joiner:CheckpointIntervalMs</c>: how often join state and offsets are checkpointed. Default 2000.</summary>
    public int CheckpointIntervalMs { get; set; } = 2000;

    /// <summary>
    /// <c>Trainer:Joiner:IdleAdvanceMs</c>: when every input partition is caught up and nothing arrived
    /// for this long, a partition's event clock moves on with the wall clock, so the last auctions of a
    /// quiet stream still finish. 0 turns it off (replays of old logs). Default 1000.
    /// </summary>
    public int IdleAdvanceMs { get; set; } = 1000;

    /// <summary>
    /// <c>Trainer:Joiner:OutageHoldMs</c>: for this long after a member's consumer last lost the broker, a
    /// partition's event clock neither follows the wall clock nor trusts "caught up": it is the earliest
    /// latest event time of every input. The bidders hold the events of an outage and deliver them once the
    /// broker is back, one topic ahead of another, stamped with times an idle clock would have passed.
    /// Default 35000 (the bidders' 30 s delivery timeout, <c>Kafka:Producer:MessageTimeoutMs</c>, after
    /// which they drop an event anyway, plus a margin).
    /// </summary>
    public int OutageHoldMs { get; set; } = 35_000;

    /// <summary><c>Trainer:Joiner:RecoveryScanLimit</c>: without a checkpoint, how many of the newest examples of a partition are read to learn which bids were already emitted. Default 1000000.</summary>
    public int RecoveryScanLimit { get; set; } = 1_000_000;
}
