using System.Text;
using ClickPredict.Bidder.Notices;

namespace ClickPredict.Bidder.Tests.Notices;

public sealed class NoticeSignerTests
{
    private static readonly NoticeSigner s_signer = new("a-test-key-that-is-long-enough-0123");

    private static string Sign(NoticeKind kind, UInt128 id, string creative, long time, string price, string currency, NoticeSigner? signer = null)
    {
        var destination = new byte[NoticeSigner.SignatureChars];
        (signer ?? s_signer).Sign(kind, id, Encoding.UTF8.GetBytes(creative), time, Encoding.UTF8.GetBytes(price), Encoding.UTF8.GetBytes(currency), destination);
        return Encoding.ASCII.GetString(destination);
    }

    private static bool Verify(NoticeKind kind, UInt128 id, string creative, long time, string price, string currency, string signature) =>
        s_signer.Verify(kind, id, Encoding.UTF8.GetBytes(creative), time, Encoding.UTF8.GetBytes(price), Encoding.UTF8.GetBytes(currency), signature);

    [Fact]
    public void Verify_AcceptsItsOwnSignature_AndRefusesAnyChangedField()
    {
        var signature = Sign(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD");
        Assert.Matches("^[A-Za-z0-9_-]{22}$", signature);
        Assert.True(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 8, "cr-a", 1000, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-b", 1000, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1001, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.250", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "EUR", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD", signature[..21]));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD", "!!!!!!!!!!!!!!!!!!!!!!"));
    }

    [Fact]
    public void ExchangeNotices_ShareOneSignature_AndAClickSignatureIsItsOwn()
    {
        // Win, billing and loss URLs of a bid go to the exchange together and sign the same fields: one HMAC.
        var notice = Sign(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD");
        Assert.Equal(notice, Sign(NoticeKind.Bill, 7, "cr-a", 1000, "1.25", "USD"));
        Assert.Equal(notice, Sign(NoticeKind.Loss, 7, "cr-a", 1000, "1.25", "USD"));
        Assert.True(Verify(NoticeKind.Bill, 7, "cr-a", 1000, "1.25", "USD", notice));
        Assert.True(Verify(NoticeKind.Loss, 7, "cr-a", 1000, "1.25", "USD", notice));

        // The click URL is in the markup, readable by the page: its signature passes for no notice, and no notice's for it.
        var click = Sign(NoticeKind.Click, 7, "cr-a", 1000, "", "");
        Assert.True(Verify(NoticeKind.Click, 7, "cr-a", 1000, "", "", click));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "", "", click));
        Assert.False(Verify(NoticeKind.Bill, 7, "cr-a", 1000, "", "", click));
        Assert.False(Verify(NoticeKind.Loss, 7, "cr-a", 1000, "", "", click));
        Assert.False(Verify(NoticeKind.Click, 7, "cr-a", 1000, "", "", Sign(NoticeKind.Win, 7, "cr-a", 1000, "", "")));
    }

    [Fact]
    public void Verify_AcceptsNoticesSignedPerKind_AsBiddersBeforeTheSharedScopeDid()
    {
        // The layout a bidder before the shared scope signed: kind | bid id (LE) | time (LE) | length-prefixed creative, price, currency.
        static string Legacy(NoticeKind kind, UInt128 id, string creative, long time, string price, string currency)
        {
            var data = new List<byte> { (byte)kind };
            var buffer = new byte[16];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(buffer, id);
            data.AddRange(buffer);
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer, time);
            data.AddRange(buffer[..8]);
            foreach (var field in new[] { creative, price, currency })
            {
                var bytes = Encoding.UTF8.GetBytes(field);
                data.Add((byte)bytes.Length);
                data.AddRange(bytes);
            }

            var mac = System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("a-test-key-that-is-long-enough-0123"), data.ToArray());
            return System.Buffers.Text.Base64Url.EncodeToString(mac.AsSpan(0, NoticeSigner.SignatureBytes));
        }

        var win = Legacy(NoticeKind.Win, 9, "cr-a", 2000, "3.5", "USD");
        Assert.NotEqual(Sign(NoticeKind.Win, 9, "cr-a", 2000, "3.5", "USD"), win);
        Assert.True(Verify(NoticeKind.Win, 9, "cr-a", 2000, "3.5", "USD", win));
        Assert.True(Verify(NoticeKind.Bill, 9, "cr-a", 2000, "3.5", "USD", Legacy(NoticeKind.Bill, 9, "cr-a", 2000, "3.5", "USD")));
        Assert.True(Verify(NoticeKind.Loss, 9, "cr-a", 2000, "3.5", "USD", Legacy(NoticeKind.Loss, 9, "cr-a", 2000, "3.5", "USD")));
        Assert.True(Verify(NoticeKind.Click, 9, "cr-a", 2000, "", "", Legacy(NoticeKind.Click, 9, "cr-a", 2000, "", "")));

        // Per kind, as then: a legacy win signature is no billing notice's, and a changed field still fails.
        Assert.False(Verify(NoticeKind.Bill, 9, "cr-a", 2000, "3.5", "USD", win));
        Assert.False(Verify(NoticeKind.Win, 9, "cr-a", 2000, "3.6", "USD", win));
    }

    [Fact]
    public void Sign_FieldBoundaries_DoNotShareSignatures() =>
        Assert.NotEqual(Sign(NoticeKind.Win, 1, "cr-a1", 5, "2", "USD"), Sign(NoticeKind.Win, 1, "cr-a", 5, "12", "USD"));

    [Fact]
    public void Sign_AnotherKey_GivesAnotherSignature() =>
        Assert.NotEqual(Sign(NoticeKind.Click, 1, "cr", 5, "", ""), Sign(NoticeKind.Click, 1, "cr", 5, "", "", new NoticeSigner("another-key-that-is-long-enough-0123")));
}
