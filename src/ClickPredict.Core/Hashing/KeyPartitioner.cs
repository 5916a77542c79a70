using System.Buffers.Binary;

namespace ClickPredict.Core.Hashing;

/// <summary>
/// The partition Kafka's default partitioner gives a key: murmur2 of its bytes (seed 0x9747b28c), made
/// non-negative and taken modulo the partition count, as the Java client's and librdkafka's
/// <c>murmur2_random</c> (the producer's <c>partitioner</c>) do for a non-null key. The bidder groups bid
/// events by it, so each batch holds only bids of the partition their impressions and clicks go to
/// (a hash function only: Core still knows no Kafka client).
/// </summary>
public static class KeyPartitioner
{
    public static int Partition(ReadOnlySpan<byte> key, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        return (int)((Murmur2(key) & 0x7fffffff) % (uint)partitions);
    }

    public static uint Murmur2(ReadOnlySpan<byte> data)
    {
        const uint M = 0x5bd1e995;
        const int R = 24;
        var h = 0x9747b28cu ^ (uint)data.Length;
        var whole = data.Length & ~3;
        for (var i = 0; i < whole; i += 4)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        // The last 1-3 bytes, as the reference implementation's fall-through switch takes them.
        switch (data.Length & 3)
        {
            case 3:
                h ^= (uint)data[whole + 2] << 16;
                h ^= (uint)data[whole + 1] << 8;
                h ^= data[whole];
                h *= M;
                break;
            case 2:
                h ^= (uint)data[whole + 1] << 8;
                h ^= data[whole];
                h *= M;
                break;
            case 1:
                h ^= data[whole];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return h;
    }
}
