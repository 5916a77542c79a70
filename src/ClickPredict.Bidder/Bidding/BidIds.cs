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
    public static void Format(UInt128 id, Span<byte> destination) =>
        id.TryFormat(destination, out _, "x32", CultureInfo.InvariantCulture);

    /// <summary>Reads 32 hex digits; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out UInt128 id)
    {
        id = default;
        return text.Length == HexLength && UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
    }

    public static string ToString(UInt128 id) => id.ToString("x32", CultureInfo.InvariantCulture);
}
