using System.Buffers.Binary;
using System.Numerics;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// A single-producer, single-consumer ring of variable-length records: the bid path of one thread writes
/// events into it, the event log's drain reads them out. No lock, no interlocked operation, nothing
/// allocated: the producer owns the tail, the consumer the head, each publishes its own with a volatile
/// write and reads the other's with a volatile read. A record is a 4-byte length and the bytes, padded to
/// 8; a record that would not fit before the end of the array starts at its beginning, and a length of -1
/// tells the reader so. When the ring is full the record is refused (the caller counts it as dropped).
/// </summary>
internal sealed class EventRing
{
    private const int Align = 8;
    private const int Wrap = -1;

    private readonly byte[] _buffer;
    private readonly int _mask;
    private long _head;   // written by the consumer: bytes it is done with
    private long _tail;   // written by the producer: bytes published
    private long _read;   // the consumer's own cursor, published to _head by Release

    /// <param name="capacity">Bytes; rounded up to a power of two, at least 64.</param>
    /// <param name="owner">The thread that writes (the drain forgets rings of threads that ended).</param>
    public EventRing(int capacity, Thread? owner)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 64));
        _buffer = new byte[size];
        _mask = size - 1;
        Owner = owner;
    }

    public Thread? Owner { get; }

    public int Capacity => _buffer.Length;

    /// <summary>Whether the consumer has read and released everything published.</summary>
    public bool IsEmpty => Volatile.Read(ref _head) == Volatile.Read(ref _tail);

    /// <summary>The largest record that can ever fit.</summary>
    public int MaxRecord => (_buffer.Length / 2) - 4;

    /// <summary>Producer: appends <paramref name="record"/>; false when there is no room for it (nothing written).</summary>
    public bool TryWrite(ReadOnlySpan<byte> record)
    {
        if (record.Length > MaxRecord)
        {
            return false;
        }

        var need = RecordSize(record.Length);
        var tail = _tail;
        var offset = (int)(tail & _mask);
        var toEnd = _buffer.Length - offset;
        // Records never straddle the end: one that would starts over at 0 (sizes are multiples of 8, so
        // whatever is left before the end has room for the wrap marker).
        var skip = toEnd < need ? toEnd : 0;
        if (tail + skip + need - Volatile.Read(ref _head) > _buffer.Length)
        {
            return false;
        }

        if (skip > 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(offset), Wrap);
            offset = 0;
        }

        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(offset), record.Length);
        record.CopyTo(_buffer.AsSpan(offset + 4));
        // Publish: the consumer reads the bytes only after it has seen the tail move past them.
        Volatile.Write(ref _tail, tail + skip + need);
        return true;
    }

    /// <summary>Consumer: the next record, valid until <see cref="Release"/>; false when none is published.</summary>
    public bool TryRead(out ReadOnlySpan<byte> record)
    {
        var tail = Volatile.Read(ref _tail);
        while (_read < tail)
        {
            var offset = (int)(_read & _mask);
            var length = BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(offset));
            if (length == Wrap)
            {
                _read += _buffer.Length - offset;
                continue;
            }

            record = _buffer.AsSpan(offset + 4, length);
            _read += RecordSize(length);
            return true;
        }

        record = default;
        return false;
    }

    /// <summary>Consumer: hands the space of every record read so far back to the producer.</summary>
    public void Release() => Volatile.Write(ref _head, _read);

    private static int RecordSize(int length) => (4 + length + Align - 1) & ~(Align - 1);
}
