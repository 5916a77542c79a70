using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace ClickPredict.Core.Hashing;

/// <summary>
/// MurmurHash3, x86 32-bit variant (Austin Appleby's public-domain algorithm), seeded.
/// The one hash that turns raw field values into feature indices: the bidder, the trainer and the
/// back-tester all reach it through <see cref="Features.FeatureHasher"/>.
/// </summary>
public static class MurmurHash3
{
    private const uint C1 = 0xcc9e2d51;
    private const uint C2 = 0x1b873593;

    /// <summary>Hashes <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static uint Hash32(ReadOnlySpan<byte> data, uint seed)
    {
        var h = seed;
        var blocks = data.Length >> 2;
        // Whole 4-byte blocks, read little-endian whatever the machine's order.
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i << 2, 4));
            h ^= MixK(k);
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }

        var tail = data.Slice(blocks << 2);
        uint k1 = 0;
        switch (tail.Length)
        {
            case 3:
                k1 ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                k1 ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                k1 ^= tail[0];
                h ^= MixK(k1);
                break;
        }

        return FMix(h ^ (uint)data.Length);
    }

    /// <summary>Hashes the 8 bytes of two 32-bit values (little-endian), as <see cref="Hash32(ReadOnlySpan{byte}, uint)"/> would.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash32(uint a, uint b, uint seed)
    {
        var h = Round(seed, a);
        h = Round(h, b);
        return FMix(h ^ 8u);
    }

    /// <summary>Hashes the 12 bytes of three 32-bit values (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash32(uint a, uint b, uint c, uint seed)
    {
        var h = Round(seed, a);
        h = Round(h, b);
        h = Round(h, c);
        return FMix(h ^ 12u);
    }

    /// <summary>Hashes the 4 bytes of one 32-bit value (little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash32(uint a, uint seed) => FMix(Round(seed, a) ^ 4u);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Round(uint h, uint k)
    {
        h ^= MixK(k);
        h = BitOperations.RotateLeft(h, 13);
        return (h * 5) + 0xe6546b64;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint MixK(uint k)
    {
        k *= C1;
        k = BitOperations.RotateLeft(k, 15);
        return k * C2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint FMix(uint h)
    {
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }
}
