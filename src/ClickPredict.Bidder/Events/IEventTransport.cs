namespace ClickPredict.Bidder.Events;

/// <summary>
/// Where events go: a bounded, non-blocking publisher (Kafka in production). Publishing must return at
/// once and never throw; false means the message was dropped (and counted).
/// </summary>
internal interface IEventTransport
{
    /// <summary>A short description for the start-up log (<c>kafka embedded 127.0.0.1:39211</c>, ...).</summary>
    string Description { get; }

    /// <summary>
    /// The bids topic's partition count once known (bid events are then batched per partition); null until
    /// it is (each bid event is then a message of its own, which the partitioner places by its key).
    /// </summary>
    int? BidPartitions { get; }

    bool TryPublish(EventTopic topic, string key, byte[] value);

    /// <summary>
    /// A <see cref="Core.Events.BidEventBatch"/> to the bids topic under <paramref name="key"/> (its first
    /// bid id, whose partition is every event's). <paramref name="value"/> is reused once this returns: the
    /// transport copies it or is done with it by then.
    /// </summary>
    bool TryPublishBatch(ReadOnlySpan<byte> key, byte[] value);
}

/// <summary>The event streams the bidder writes, each keyed by bid id.</summary>
internal enum EventTopic
{
    Bids,
    Impressions,
    Clicks,
    Losses,
}
