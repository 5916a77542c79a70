using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// Bid ids: 128 bits, a random 64-bit process nonce followed by a 64-bit sequence number, written as
/// 32 lower-case hex digits. Unique across processes and restarts without coordination, and the key
/// of every event a bid leads to.
/// </summary>
internal sealed class BidIds
{
    public const int HexLength = 32;

    private static readonly StandardFormat s_half = new('x', HexLength / 2);

    private readonly ulong _nonce;
    private long _sequence;

    public BidIds()
        : this(BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8)))
    {
    }

    public BidIds(ulong nonce) => _nonce = nonce;

    /// <summary>The high 64 bits of every id this instance makes: which bidder process made a bid.</summary>
    public ulong Nonce => _nonce;

    public UInt128 Next() => new(_nonce, (ulong)Interlocked.Increment(ref _sequence));

    /// <summary>Writes the 32 hex digits of <paramref name="id"/>.</summary>
    /// <remarks>As two 64-bit halves: <see cref="UInt128"/>'s own hex formatting takes a slow path for values above 64 bits, which every id is.</remarks>
    public static void Format(UInt128 id, Span<byte> destination)
    {
        Utf8Formatter.TryFormat((ulong)(id >> 64), destination, out _, s_half);
        Utf8Formatter.TryFormat((ulong)id, destination[(HexLength / 2)..], out _, s_half);
    }

    /// <summary>Reads 32 hex digits; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out UInt128 id)
    {
        id = default;
        return text.Length == HexLength && UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
    }

    public static string ToString(UInt128 id) => id.ToString("x32", CultureInfo.InvariantCulture);
}
