using ClickPredict.Bidder.Events;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>
/// An event transport that keeps a copy of every message (key, value), with the bids topic's partitions the
/// test chooses (null: unknown); with <paramref name="keep"/> false it only counts them (allocating nothing).
/// </summary>
internal sealed class CapturingTransport(int? bidPartitions = 4, bool keep = true) : IEventTransport
{
    private long _batches;

    private readonly List<(EventTopic Topic, string Key, byte[] Value)> _messages = [];

    public string Description => "captured (test)";

    public int? BidPartitions { get; set; } = bidPartitions;

    /// <summary>When false, every message is refused (a transport that is down).</summary>
    public bool Accepting { get; set; } = true;

    public IReadOnlyList<(EventTopic Topic, string Key, byte[] Value)> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public bool TryPublish(EventTopic topic, string key, byte[] value)
    {
        lock (_messages)
        {
            if (Accepting)
            {
                _messages.Add((topic, key, value));
            }

            return Accepting;
        }
    }

    /// <summary>Batches taken (kept or not).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public bool TryPublishBatch(ReadOnlySpan<byte> key, byte[] value)
    {
        Interlocked.Increment(ref _batches);
        // The array is reused once this returns: keep a copy.
        return keep ? TryPublish(EventTopic.Bids, System.Text.Encoding.ASCII.GetString(key), value.ToArray()) : Accepting;
    }
}
