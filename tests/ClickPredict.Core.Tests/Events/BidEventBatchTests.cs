using System.Buffers;
using ClickPredict.Core.Events;
using MessagePack;

namespace ClickPredict.Core.Tests.Events;

public sealed class BidEventBatchTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void Split_AFinishedBatch_GivesBackEachEventAndItsBidId(int count)
    {
        var events = Enumerable.Range(0, count).Select(i => EventSerializer.Serialize(Event("bid-" + i, i))).ToArray();
        var batch = Batch(events);

        Assert.True(BidEventBatch.IsBatch(batch));
        var split = new List<BatchedBidEvent>();
        BidEventBatch.Split(batch, split);
        Assert.Equal(events.Select((_, i) => "bid-" + i), split.Select(e => e.BidId));
        Assert.Equal(events, split.Select(e => e.Event.ToArray()));
        Assert.Equal(7, EventSerializer.Deserialize<BidEvent>(split[^1].Event).ModelVersion);
    }

    [Theory]
    [InlineData(7)]       // header only
    [InlineData(59)]      // the largest that fits 64 bytes with the largest bin header
    [InlineData(60)]
    [InlineData(700)]     // one bid event
    [InlineData(1_019)]
    [InlineData(1_020)]
    [InlineData(20_000)]
    [InlineData(32_768)]
    [InlineData(900_000)]
    public void Finish_AnyLength_PadsByLessThanAnEighthToOneOfSixteenLengthsPerDoubling(int used)
    {
        var length = BidEventBatch.PaddedLength(used);
        Assert.InRange(length - used, 5, Math.Max(64, used / 8) + 5);
        var step = Math.Max(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)length) / 16);
        Assert.Equal(0, length % step);
        Assert.Equal(length, BidEventBatch.PaddedLength(length - 5));
        var message = new byte[length];
        message.AsSpan().Fill(0xff);
        BidEventBatch.WriteHeader(message);
        BidEventBatch.Finish(message, used, 0);
        var reader = new MessagePackReader(message);
        Assert.Equal(3, reader.ReadArrayHeader());
        Assert.Equal(BidEventBatch.Version, reader.ReadInt32());
        Assert.Equal(0, reader.ReadArrayHeader());
    }

    [Fact]
    public void SplitMessage_ALoneEvent_IsOneEventUnderItsKey()
    {
        var lone = EventSerializer.Serialize(Event("b-1", 3));
        Assert.False(BidEventBatch.IsBatch(lone));
        var split = new List<BatchedBidEvent>();
        BidEventBatch.SplitMessage("b-1", lone, split);
        Assert.Equal("b-1", Assert.Single(split).BidId);
        Assert.Equal(lone, split[0].Event.ToArray());
        Assert.Throws<EventFormatException>(() => BidEventBatch.SplitMessage(null, lone, split));
    }

    [Fact]
    public void Split_EveryTruncationAndCorruption_IsRefusedWithNothingAdded()
    {
        var batch = Batch([EventSerializer.Serialize(Event("a", 1)), EventSerializer.Serialize(Event("b", 2))]);
        var split = new List<BatchedBidEvent> { new("stale", default) };
        for (var length = 0; length < batch.Length; length += 7)
        {
            Assert.Throws<EventFormatException>(() => BidEventBatch.Split(batch.AsMemory(0, length), split));
            Assert.Empty(split);
        }

        var wrongVersion = (byte[])batch.Clone();
        wrongVersion[1] = 2;
        Assert.Contains("version", Assert.Throws<EventFormatException>(() => BidEventBatch.Split(wrongVersion, split)).Message);
        var trailing = batch.Concat(new byte[] { 0xc0 }).ToArray();
        Assert.Contains("after its end", Assert.Throws<EventFormatException>(() => BidEventBatch.Split(trailing, split)).Message);
        var noBidId = Batch([MessagePackSerializer.Serialize(new object[] { 5, "x" })]);
        Assert.Contains("no bid id", Assert.Throws<EventFormatException>(() => BidEventBatch.Split(noBidId, split)).Message);
    }

    private static BidEvent Event(string bidId, int version) => new()
    {
        BidId = bidId,
        RequestId = "r",
        ImpId = "1",
        TimeUnixMs = 1_700_000_000_000,
        ModelId = "ctr",
        ModelVersion = 7,
        SpecFingerprint = "ab",
        PCtr = 0.01 * version,
        PriceCpm = 1.25m,
        Fields = new Dictionary<string, string> { ["site.domain"] = "example.com" },
    };

    private static byte[] Batch(byte[][] events)
    {
        var content = new ArrayBufferWriter<byte>();
        content.Write(new byte[BidEventBatch.HeaderLength]);
        foreach (var e in events)
        {
            content.Write(e);
        }

        var message = new byte[BidEventBatch.PaddedLength(content.WrittenCount)];
        content.WrittenSpan.CopyTo(message);
        BidEventBatch.WriteHeader(message);
        BidEventBatch.Finish(message, content.WrittenCount, events.Length);
        return message;
    }
}
