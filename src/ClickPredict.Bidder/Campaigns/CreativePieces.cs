using System.Text.Encodings.Web;
using System.Text.Json;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>
/// The fixed pieces of a creative's notice URLs and markup, between which a bid writes its own fields (bid
/// id, time, price, currency, signature), in one encoding: as they are (MessagePack answers) or already
/// escaped as JSON string content (JSON answers, which then copy them with no per-bid escaping scan).
/// </summary>
internal sealed class CreativePieces
{
    /// <summary>The escaping of JSON answers: markup stays readable HTML; quotes, backslashes and control characters are escaped.</summary>
    public static JavaScriptEncoder JsonEncoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private CreativePieces(byte[] winUrlPrefix, byte[] billUrlPrefix, byte[] lossUrlPrefix, byte[] admPrefix, byte[] admSuffix)
    {
        WinUrlPrefix = winUrlPrefix;
        BillUrlPrefix = billUrlPrefix;
        LossUrlPrefix = lossUrlPrefix;
        AdmPrefix = admPrefix;
        AdmSuffix = admSuffix;
    }

    /// <summary><c>{base}/win?cr={id}&amp;b=</c>: the bid id and the signed rest follow.</summary>
    public byte[] WinUrlPrefix { get; }

    public byte[] BillUrlPrefix { get; }

    /// <summary><c>{base}/loss?cr={id}&amp;b=</c>.</summary>
    public byte[] LossUrlPrefix { get; }

    /// <summary>The markup up to the click URL's bid id.</summary>
    public byte[] AdmPrefix { get; }

    /// <summary>The markup after the click URL.</summary>
    public byte[] AdmSuffix { get; }

    public static CreativePieces Raw(byte[] winUrlPrefix, byte[] billUrlPrefix, byte[] lossUrlPrefix, byte[] admPrefix, byte[] admSuffix) =>
        new(winUrlPrefix, billUrlPrefix, lossUrlPrefix, admPrefix, admSuffix);

    /// <summary>The same pieces escaped as <see cref="JsonEncoder"/> escapes string content.</summary>
    public CreativePieces ToJson() =>
        new(Escape(WinUrlPrefix), Escape(BillUrlPrefix), Escape(LossUrlPrefix), Escape(AdmPrefix), Escape(AdmSuffix));

    private static byte[] Escape(byte[] utf8) => JsonEncodedText.Encode(utf8, JsonEncoder).EncodedUtf8Bytes.ToArray();
}
