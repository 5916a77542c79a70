using System.Text;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Tests.Hashing;

public class MurmurHash3Tests
{
    // Published MurmurHash3_x86_32 test vectors (SMHasher's reference implementation, as collected
    // in the widely cited table of verification values).
    [Theory]
    [InlineData("", 0u, 0u)]
    [InlineData("", 1u, 0x514E28B7u)]
    [InlineData("", 0xffffffffu, 0x81F16F39u)]
    [InlineData("\0\0\0\0", 0u, 0x2362F9DEu)]
    [InlineData("aaaa", 0x9747b28cu, 0x5A97808Au)]
    [InlineData("aaa", 0x9747b28cu, 0x283E0130u)]
    [InlineData("aa", 0x9747b28cu, 0x5D211726u)]
    [InlineData("a", 0x9747b28cu, 0x7FA09EA6u)]
    [InlineData("abcd", 0x9747b28cu, 0xF0478627u)]
    [InlineData("abc", 0x9747b28cu, 0xC84A62DDu)]
    [InlineData("ab", 0x9747b28cu, 0x74875592u)]
    [InlineData("Hello, world!", 0x9747b28cu, 0x24884CBAu)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x9747b28cu, 0x2FA826CDu)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0u, 0x2E4FF723u)]
    public void Hash32_MatchesPublishedVectors_Text(string input, uint seed, uint expected) =>
        Assert.Equal(expected, MurmurHash3.Hash32(Encoding.UTF8.GetBytes(input), seed));

    [Theory]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff }, 0u, 0x76293B50u)]
    [InlineData(new byte[] { 0x21, 0x43, 0x65, 0x87 }, 0u, 0xF55B516Bu)]
    [InlineData(new byte[] { 0x21, 0x43, 0x65, 0x87 }, 0x5082EDEEu, 0x2362F9DEu)]
    [InlineData(new byte[] { 0x21, 0x43, 0x65 }, 0u, 0x7E4A8634u)]
    [InlineData(new byte[] { 0x21, 0x43 }, 0u, 0xA0F7B07Au)]
    [InlineData(new byte[] { 0x21 }, 0u, 0x72661CF4u)]
    [InlineData(new byte[] { 0, 0, 0 }, 0u, 0x85F0B427u)]
    [InlineData(new byte[] { 0, 0 }, 0u, 0x30F4C306u)]
    [InlineData(new byte[] { 0 }, 0u, 0x514E28B7u)]
    public void Hash32_MatchesPublishedVectors_Bytes(byte[] input, uint seed, uint expected) =>
        Assert.Equal(expected, MurmurHash3.Hash32(input, seed));

    [Fact]
    public void Hash32_Utf8Multibyte_MatchesPublishedVector() =>
        Assert.Equal(0xD58063C1u, MurmurHash3.Hash32(Encoding.UTF8.GetBytes("ππππππππ"), 0x9747b28c));

    [Theory]
    [InlineData(0u, 0u, 0u)]
    [InlineData(0xdeadbeefu, 0x12345678u, 7u)]
    [InlineData(uint.MaxValue, 1u, uint.MaxValue)]
    public void Hash32_OfWords_EqualsHashOfTheirLittleEndianBytes(uint a, uint b, uint seed)
    {
        var bytes = new byte[12];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), a);
        BitConverter.TryWriteBytes(bytes.AsSpan(4, 4), b);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), a ^ b);
        Assert.Equal(MurmurHash3.Hash32(bytes.AsSpan(0, 4), seed), MurmurHash3.Hash32(a, seed));
        Assert.Equal(MurmurHash3.Hash32(bytes.AsSpan(0, 8), seed), MurmurHash3.Hash32(a, b, seed));
        Assert.Equal(MurmurHash3.Hash32(bytes, seed), MurmurHash3.Hash32(a, b, a ^ b, seed));
    }
}
