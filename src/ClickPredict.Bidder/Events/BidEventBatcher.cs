using System.Buffers.Binary;
using System.Text;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Core.Events;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// Turns the bid events drained from the rings into Kafka messages (the drain's side: one thread at a
/// time, no locking of its own). With the bids topic's partition count known and batching on, the events
/// of each partition (<see cref="KeyPartitioner"/> of the bid id) go into that partition's
/// <see cref="BidEventBatch"/>, published when the next event would take it past
/// <c>Bidder:EventBatchBytes</c> and at the end of every drain; the message is one of a few arrays kept
/// here, one per padded length (<see cref="BidEventBatch.PaddedLength"/>), so publishing allocates nothing
/// of ours once each length has been seen. Without either, each event is
/// a message of its own keyed by its bid id (a new array and key per event, as before batching).
/// </summary>
internal sealed class BidEventBatcher
{
    private readonly IEventTransport _transport;
    private readonly BidderMetrics _metrics;
    private readonly int _maxBytes;
    private readonly Dictionary<int, byte[]> _padded = [];
    private PartitionBatch[] _batches = [];
    private int? _partitions;

    /// <param name="transport">Where messages go.</param>
    /// <param name="metrics">Counts the events handed over or dropped.</param>
    /// <param name="maxBytes">Largest batch before padding; 0 publishes each event alone.</param>
    public BidEventBatcher(IEventTransport transport, BidderMetrics metrics, int maxBytes)
    {
        _transport = transport;
        _metrics = metrics;
        _maxBytes = maxBytes;
    }

    /// <summary>Starts a drain: takes the bids topic's partition count as the transport knows it now.</summary>
    public void Begin() => _partitions = _maxBytes > 0 ? _transport.BidPartitions : null;

    /// <summary>Takes one bid event (its bytes are copied before this returns).</summary>
    public void Add(ReadOnlySpan<byte> bidEvent)
    {
        var bidId = BidIdOf(bidEvent);
        if (_partitions is not { } count || BidEventBatch.HeaderLength + bidEvent.Length > _maxBytes)
        {
            Publish(Encoding.ASCII.GetString(bidId), bidEvent.ToArray());
            return;
        }

        if (_batches.Length != count)
        {
            // First batch, or the topic's partitions changed: what is open goes out under the old grouping.
            Flush();
            _batches = new PartitionBatch[count];
        }

        var batch = _batches[KeyPartitioner.Partition(bidId, count)] ??= new PartitionBatch(_maxBytes);
        if (batch.Used + bidEvent.Length > _maxBytes)
        {
            Publish(batch);
        }

        batch.Append(bidId, bidEvent);
    }

    /// <summary>Publishes every open batch.</summary>
    public void Flush()
    {
        foreach (var batch in _batches)
        {
            if (batch is { Count: > 0 })
            {
                Publish(batch);
            }
        }
    }

    /// <summary>The bid id of an event as <see cref="BidEventWriter"/> writes it: the array's first element, a string.</summary>
    private static ReadOnlySpan<byte> BidIdOf(ReadOnlySpan<byte> bidEvent)
    {
        var header = bidEvent[0] switch
        {
            >= 0x90 and <= 0x9f => 1,   // fixarray
            0xdc => 3,                  // array 16
            _ => throw new InvalidOperationException("a bid event is not an array"),
        };
        var text = bidEvent[header..];
        return text[0] switch
        {
            >= 0xa0 and <= 0xbf => text.Slice(1, text[0] & 0x1f),
            0xd9 => text.Slice(2, text[1]),
            0xda => text.Slice(3, BinaryPrimitives.ReadUInt16BigEndian(text[1..])),
            _ => throw new InvalidOperationException("a bid event does not start with its bid id"),
        };
    }

    private void Publish(PartitionBatch batch)
    {
        var length = BidEventBatch.PaddedLength(batch.Used);
        if (!_padded.TryGetValue(length, out var message))
        {
            _padded[length] = message = new byte[length];
        }

        batch.Buffer.AsSpan(0, batch.Used).CopyTo(message);
        BidEventBatch.Finish(message, batch.Used, batch.Count);
        // The transport is done with the array when this returns (librdkafka copies it), so it is reused.
        var queued = _transport.TryPublishBatch(batch.FirstKey, message);
        _metrics.Events("bids", queued, batch.Count);
        batch.Reset();
    }

    private void Publish(string key, byte[] value) => _metrics.Events("bids", _transport.TryPublish(EventTopic.Bids, key, value), 1);

    /// <summary>The open batch of one partition: header and events so far, and its first event's bid id (its key).</summary>
    private sealed class PartitionBatch
    {
        private readonly byte[] _firstKey = new byte[64];
        private int _firstKeyLength;

        public PartitionBatch(int maxBytes)
        {
            Buffer = new byte[maxBytes];
            Reset();
        }

        public byte[] Buffer { get; }

        public int Used { get; private set; }

        public int Count { get; private set; }

        public ReadOnlySpan<byte> FirstKey => _firstKey.AsSpan(0, _firstKeyLength);

        public void Append(ReadOnlySpan<byte> bidId, ReadOnlySpan<byte> bidEvent)
        {
            if (Count == 0)
            {
                _firstKeyLength = Math.Min(bidId.Length, _firstKey.Length);
                bidId[.._firstKeyLength].CopyTo(_firstKey);
            }

            bidEvent.CopyTo(Buffer.AsSpan(Used));
            Used += bidEvent.Length;
            Count++;
        }

        public void Reset()
        {
            BidEventBatch.WriteHeader(Buffer);
            Used = BidEventBatch.HeaderLength;
            Count = 0;
        }
    }
}
