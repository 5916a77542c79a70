using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
        ref var start = ref MemoryMarshal.GetReference(data);
        var blockBytes = data.Length & ~3;
        // Whole 4-byte blocks, read little-endian whatever the machine's order. The reads stay
        // inside data (offset + 4 <= blockBytes <= Length), so they skip the per-block slice and
        // its bounds check: this runs for every field of every request.
        for (var offset = 0; offset < blockBytes; offset += 4)
        {
            var k = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, offset));
            if (!BitConverter.IsLittleEndian)
            {
                k = BinaryPrimitives.ReverseEndianness(k);
            }

            h = Round(h, k);
        }

        uint k1 = 0;
        switch (data.Length & 3)
        {
            case 3:
                k1 ^= (uint)Unsafe.Add(ref start, blockBytes + 2) << 16;
                goto case 2;
            case 2:
                k1 ^= (uint)Unsafe.Add(ref start, blockBytes + 1) << 8;
                goto case 1;
            case 1:
                k1 ^= Unsafe.Add(ref start, blockBytes);
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
