using ClickPredict.Bidder.Events;

namespace ClickPredict.Bidder.Tests.Events;

public sealed class EventRingTests
{
    [Fact]
    public void Records_WrittenAndRead_ComeBackInOrder_AcrossTheEndOfTheArray()
    {
        var ring = new EventRing(256, Thread.CurrentThread);
        var next = 0;
        var expected = 0;
        for (var round = 0; round < 50; round++)
        {
            // Lengths that do not divide the capacity, so records keep landing at new offsets and wrap.
            while (ring.TryWrite(Record(next, 13 + (next % 29))))
            {
                next++;
            }

            Assert.True(next > expected);
            var read = 0;
            while (read < 3 && ring.TryRead(out var record))
            {
                Assert.Equal(Record(expected, 13 + (expected % 29)), record.ToArray());
                expected++;
                read++;
            }

            ring.Release();
        }

        while (ring.TryRead(out var record))
        {
            Assert.Equal(Record(expected, 13 + (expected % 29)), record.ToArray());
            expected++;
        }

        ring.Release();
        Assert.Equal(next, expected);
        Assert.True(ring.IsEmpty);
    }

    [Fact]
    public void TryWrite_FullOrTooLarge_RefusesAndKeepsWhatItHas()
    {
        var ring = new EventRing(128, null);
        Assert.False(ring.TryWrite(new byte[ring.MaxRecord + 1]));
        // Two of the largest fill it.
        Assert.True(ring.TryWrite(new byte[ring.MaxRecord]));
        Assert.True(ring.TryWrite(new byte[ring.MaxRecord]));
        Assert.False(ring.TryWrite(new byte[1]));
        Assert.True(ring.TryRead(out var record));
        Assert.Equal(ring.MaxRecord, record.Length);
        // Read but not yet released: the space is still the reader's.
        Assert.False(ring.TryWrite(new byte[ring.MaxRecord]));
        ring.Release();
        Assert.True(ring.TryWrite(new byte[ring.MaxRecord]));
    }

    [Fact]
    public async Task AWriterAndAReader_OnTwoThreads_LoseNothingAndMixNothing()
    {
        var ring = new EventRing(4096, null);
        const int Count = 200_000;
        var writer = Task.Run(() =>
        {
            for (var i = 0; i < Count; i++)
            {
                var record = Record(i, 8 + (i % 50));
                while (!ring.TryWrite(record))
                {
                    Thread.Yield();
                }
            }
        });

        var expected = 0;
        while (expected < Count)
        {
            while (ring.TryRead(out var record))
            {
                Assert.Equal(Record(expected, 8 + (expected % 50)), record.ToArray());
                expected++;
            }

            ring.Release();
            Assert.False(writer.IsFaulted);
        }

        await writer;
    }

    private static byte[] Record(int seed, int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed * 31 + i);
        }

        BitConverter.TryWriteBytes(bytes, seed);
        return bytes;
    }
}
