using System.Text;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Tests.Hashing;

/// <summary>Kafka's murmur2; the bidder's EventLoggingTests check it against librdkafka's own partitioner on the embedded broker.</summary>
public sealed class KeyPartitionerTests
{
    // Values of the Java client's Utils.murmur2 (signed there), as its tests and Kafka's documentation give them.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_KnownKeys_GiveTheJavaClientsHashes(string key, int expected) =>
        Assert.Equal(expected, (int)KeyPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void Partition_IsTheNonNegativeHashModuloTheCount()
    {
        var key = Encoding.UTF8.GetBytes("foobar");
        Assert.Equal((int)((KeyPartitioner.Murmur2(key) & 0x7fffffff) % 7), KeyPartitioner.Partition(key, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyPartitioner.Partition(key, 0));
    }
}
