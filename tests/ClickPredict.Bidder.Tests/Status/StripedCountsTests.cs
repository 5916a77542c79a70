using ClickPredict.Bidder.Status;

namespace ClickPredict.Bidder.Tests.Status;

public sealed class StripedCountsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 8)]
    [InlineData(64, StripedCounts.MaxStripes)]
    public void Stripes_ArePowersOfTwoUpToTheCap(int processors, int stripes) =>
        Assert.Equal(stripes, new StripedCounts(3, processors).Stripes);

    [Fact]
    public void Counts_FromManyThreadsAtOnce_AddUpExactly()
    {
        // More threads than stripes, so some share a stripe and its increments must still all count.
        var counts = new StripedCounts(9, processors: 2);
        const int Threads = 6, PerThread = 18_000;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                counts.Increment(i % 9);
                if (thread == 0)
                {
                    counts.Increment(8);
                }
            }
        });

        const long PerSlot = Threads * PerThread / 9;
        for (var slot = 0; slot < 8; slot++)
        {
            Assert.Equal(PerSlot, counts.Read(slot));
        }

        Assert.Equal(PerSlot + PerThread, counts.Read(8));
        counts.Clear();
        Assert.All(Enumerable.Range(0, 9), slot => Assert.Equal(0, counts.Read(slot)));
    }

    [Fact]
    public void Slots_OutsideTheRange_AreRefused()
    {
        var counts = new StripedCounts(2, processors: 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Increment(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Increment(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => counts.Read(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StripedCounts(0));
    }
}
