namespace ClickPredict.Bidder.Events;

/// <summary>
/// Where events go: a bounded, non-blocking publisher (Kafka in production). <see cref="TryPublish"/>
/// must return at once and never throw; false means the event was dropped (and counted).
/// </summary>
internal interface IEventTransport
{
    /// <summary>A short description for the start-up log (<c>kafka embedded 127.0.0.1:39211</c>, ...).</summary>
    string Description { get; }

    bool TryPublish(EventTopic topic, string key, byte[] value);
}

/// <summary>The three event streams the bidder writes, each keyed by bid id.</summary>
internal enum EventTopic
{
    Bids,
    Impressions,
    Clicks,
}
