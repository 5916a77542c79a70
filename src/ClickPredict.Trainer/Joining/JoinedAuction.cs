using ClickPredict.Core.Events;

namespace ClickPredict.Trainer.Joining;

/// <summary>How a pending auction ended when its deadline passed.</summary>
internal enum AuctionEnd
{
    /// <summary>Bid and win notice joined: a labelled example.</summary>
    Example,

    /// <summary>A bid without a win notice: lost the auction (normal), not an example.</summary>
    NotWon,

    /// <summary>A win notice whose bid never arrived: counted.</summary>
    ImpressionWithoutBid,

    /// <summary>Clicks whose bid and impression never arrived: counted.</summary>
    ClickWithoutImpression,
}

/// <summary>One finished auction, handed out of <see cref="PartitionJoin.Advance"/>.</summary>
internal readonly record struct JoinedAuction(
    AuctionEnd End,
    string BidId,
    byte[]? Bid,
    ImpressionEvent? Impression,
    long? ClickTimeUnixMs,
    int ClicksOutsideWindow,
    int ClicksWithoutImpression);
