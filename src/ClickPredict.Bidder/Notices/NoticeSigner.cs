using System.Buffers.Binary;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace ClickPredict.Bidder.Notices;

/// <summary>
/// Signs and checks the URLs we hand out (win, billing, loss, click): an HMAC-SHA256, truncated to 128
/// bits and written base64url (22 characters), over the signature's scope, the bid id, the creative, the
/// bid time and, for wins, bills and losses, our price and currency. A URL whose fields were changed or made
/// up fails the check; comparison takes constant time.
/// </summary>
/// <remarks>
/// Scopes: the exchange's three notices of a bid (win, billing, loss) share one signature, because they sign
/// the same fields and go to the same party in the same response (a party that can read one holds all
/// three), so one HMAC per bid serves them; the ledger, not the signature, keeps a bid from being both won
/// and lost. The click URL has its own scope: it sits in the ad markup, where the page and the user can read
/// it, so its signature must not pass for a notice. Bidders before the shared scope signed each notice kind
/// on its own; <see cref="Verify"/> still accepts those, so notices of bids made before an upgrade are not
/// refused as forged.
/// </remarks>
internal sealed class NoticeSigner
{
    public const int SignatureBytes = 16;
    public const int SignatureChars = 22;

    /// <summary>The scope byte of the signature shared by a bid's win, billing and loss notices.</summary>
    public const byte ExchangeScope = (byte)'e';

    private static readonly System.Buffers.SearchValues<char> s_alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private readonly byte[] _key;

    public NoticeSigner(string key) => _key = Encoding.UTF8.GetBytes(key);

    /// <summary>
    /// A keyed HMAC to sign with repeatedly (one per pooled request context): keying is most of the
    /// cost of a one-shot HMAC over a few dozen bytes, and this keeps the key set up between uses.
    /// </summary>
    public IncrementalHash CreateMac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);

    /// <summary>Writes the signature's 22 base64url characters into <paramref name="destination"/>.</summary>
    [SkipLocalsInit]
    public void Sign(NoticeKind kind, UInt128 bidId, ReadOnlySpan<byte> creativeId, long bidTimeMs, ReadOnlySpan<byte> price, ReadOnlySpan<byte> currency, Span<byte> destination)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(ScopeOf(kind), bidId, creativeId, bidTimeMs, price, currency, mac);
        Base64Url.EncodeToUtf8(mac[..SignatureBytes], destination, out _, out _);
    }

    /// <summary>The same signature, computed with a reusable <paramref name="hmac"/> from <see cref="CreateMac"/>.</summary>
    [SkipLocalsInit]
    public static void Sign(IncrementalHash hmac, NoticeKind kind, UInt128 bidId, ReadOnlySpan<byte> creativeId, long bidTimeMs, ReadOnlySpan<byte> price, ReadOnlySpan<byte> currency, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(hmac);
        Span<byte> data = stackalloc byte[DataLength(creativeId, price, currency)];
        Data(ScopeOf(kind), bidId, creativeId, bidTimeMs, price, currency, data);
        hmac.AppendData(data);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.GetHashAndReset(mac);
        Base64Url.EncodeToUtf8(mac[..SignatureBytes], destination, out _, out _);
    }

    /// <summary>Whether <paramref name="signature"/> (base64url text) is the one these fields get.</summary>
    [SkipLocalsInit]
    public bool Verify(NoticeKind kind, UInt128 bidId, ReadOnlySpan<byte> creativeId, long bidTimeMs, ReadOnlySpan<byte> price, ReadOnlySpan<byte> currency, ReadOnlySpan<char> signature)
    {
        Span<byte> given = stackalloc byte[SignatureBytes + 2];
        // TryDecodeFromChars throws on a character outside the alphabet (found by the signer test): check first.
        if (signature.Length != SignatureChars
            || signature.ContainsAnyExcept(s_alphabet)
            || !Base64Url.TryDecodeFromChars(signature, given, out var written)
            || written != SignatureBytes)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(ScopeOf(kind), bidId, creativeId, bidTimeMs, price, currency, mac);
        if (CryptographicOperations.FixedTimeEquals(mac[..SignatureBytes], given[..SignatureBytes]))
        {
            return true;
        }

        if (kind == NoticeKind.Click)
        {
            return false;
        }

        // Signed by a bidder from before the shared exchange scope: each notice kind on its own.
        Mac((byte)kind, bidId, creativeId, bidTimeMs, price, currency, mac);
        return CryptographicOperations.FixedTimeEquals(mac[..SignatureBytes], given[..SignatureBytes]);
    }

    /// <summary>What a signature of <paramref name="kind"/> covers: <see cref="ExchangeScope"/> for the exchange's notices, the click's own otherwise.</summary>
    public static byte ScopeOf(NoticeKind kind) => kind == NoticeKind.Click ? (byte)NoticeKind.Click : ExchangeScope;

    [SkipLocalsInit]
    private void Mac(byte scope, UInt128 bidId, ReadOnlySpan<byte> creativeId, long bidTimeMs, ReadOnlySpan<byte> price, ReadOnlySpan<byte> currency, Span<byte> mac)
    {
        Span<byte> data = stackalloc byte[DataLength(creativeId, price, currency)];
        Data(scope, bidId, creativeId, bidTimeMs, price, currency, data);
        HMACSHA256.HashData(_key, data, mac);
    }

    private static int DataLength(ReadOnlySpan<byte> creativeId, ReadOnlySpan<byte> price, ReadOnlySpan<byte> currency) =>
        1 + 16 + 8 + 3 + creativeId.Length + price.Length + currency.Length;

    /// <summary>scope | bid id (16) | time (8) | each variable field length-prefixed, so no two field lists share bytes.</summary>
    private static void Data(byte scope, UInt128 bidId, ReadOnlySpan<byte> creativeId, long bidTimeMs, ReadOnlySpan<byte> price, ReadOnlySpan<byte> currency, Span<byte> data)
    {
        data[0] = scope;
        BinaryPrimitives.WriteUInt128LittleEndian(data[1..], bidId);
        BinaryPrimitives.WriteInt64LittleEndian(data[17..], bidTimeMs);
        var at = 25;
        at = Append(data, at, creativeId);
        at = Append(data, at, price);
        Append(data, at, currency);
    }

    private static int Append(Span<byte> data, int at, ReadOnlySpan<byte> field)
    {
        data[at++] = (byte)field.Length;
        field.CopyTo(data[at..]);
        return at + field.Length;
    }
}

/// <summary>What a signed URL is for; a click's signature cannot pass for a notice's, nor a notice's for a click's (<see cref="NoticeSigner.ScopeOf"/>).</summary>
internal enum NoticeKind : byte
{
    Win = (byte)'w',
    Bill = (byte)'b',
    Click = (byte)'c',
    Loss = (byte)'l',
}
