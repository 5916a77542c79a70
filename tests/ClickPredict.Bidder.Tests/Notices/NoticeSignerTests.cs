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
        Assert.False(Verify(NoticeKind.Bill, 7, "cr-a", 1000, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 8, "cr-a", 1000, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-b", 1000, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1001, "1.25", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.250", "USD", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "EUR", signature));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD", signature[..21]));
        Assert.False(Verify(NoticeKind.Win, 7, "cr-a", 1000, "1.25", "USD", "!!!!!!!!!!!!!!!!!!!!!!"));
    }

    [Fact]
    public void Sign_FieldBoundaries_DoNotShareSignatures() =>
        Assert.NotEqual(Sign(NoticeKind.Win, 1, "cr-a1", 5, "2", "USD"), Sign(NoticeKind.Win, 1, "cr-a", 5, "12", "USD"));

    [Fact]
    public void Sign_AnotherKey_GivesAnotherSignature() =>
        Assert.NotEqual(Sign(NoticeKind.Click, 1, "cr", 5, "", ""), Sign(NoticeKind.Click, 1, "cr", 5, "", "", new NoticeSigner("another-key-that-is-long-enough-0123")));
}
