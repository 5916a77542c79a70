using ClickPredict.Core.Events;
using ClickPredict.Trainer.Joining;

namespace ClickPredict.Trainer.Tests;

/// <summary>The join of one partition, in event time, without Kafka.</summary>
public class PartitionJoinTests
{
    private static readonly JoinWindows s_windows = new(BidWaitMs: 1_000, WinWaitMs: 2_000, AttributionMs: 5_000, DedupeMs: 60_000);
    private static readonly byte[] s_bid = [1, 2, 3];

    private static ImpressionEvent Impression(string id, long time) => new() { BidId = id, TimeUnixMs = time };

    [Fact]
    public void Advance_BidImpressionClickInWindow_IsClickedExampleAtWindowEnd()
    {
        var join = new PartitionJoin(0, s_windows);
        var finished = new List<JoinedAuction>();
        Assert.Equal(JoinResult.Accepted, join.OnBid("a", s_bid, 1_000));
        Assert.Equal(JoinResult.Accepted, join.OnImpression(Impression("a", 1_100)));
        Assert.Equal(JoinResult.Accepted, join.OnClick("a", 3_000));

        join.Advance(6_099, finished);
        Assert.Empty(finished);
        join.Advance(6_100, finished);
        var auction = Assert.Single(finished);
        Assert.Equal(AuctionEnd.Example, auction.End);
        Assert.Equal(3_000, auction.ClickTimeUnixMs);
        Assert.Same(s_bid, auction.Bid);
        Assert.Equal(0, join.PendingCount);
    }

    [Fact]
    public void Advance_ClickAfterWindow_NotALabelButCounted()
    {
        var join = new PartitionJoin(0, s_windows);
        var finished = new List<JoinedAuction>();
        join.OnBid("a", s_bid, 1_000);
        join.OnImpression(Impression("a", 1_000));
        join.OnClick("a", 7_000);
        join.Advance(6_000, finished);

        var auction = Assert.Single(finished);
        Assert.Null(auction.ClickTimeUnixMs);
        Assert.Equal(1, auction.ClicksOutsideWindow);
        Assert.Equal(JoinResult.ClickAfterWindow, join.OnClick("a", 8_000));
    }

    [Fact]
    public void OnImpression_BeforeItsBid_WaitsForIt()
    {
        var join = new PartitionJoin(0, s_windows);
        var finished = new List<JoinedAuction>();
        join.OnImpression(Impression("a", 1_000));
        join.Advance(1_900, finished);
        join.OnBid("a", s_bid, 990);
        join.Advance(5_999, finished);
        Assert.Empty(finished);
        join.Advance(6_000, finished);
        Assert.Equal(AuctionEnd.Example, Assert.Single(finished).End);
    }

    [Fact]
    public void Advance_Strays_EndUnmatched_AndLateEventsAreCounted()
    {
        var join = new PartitionJoin(0, s_windows);
        var finished = new List<JoinedAuction>();
        join.OnBid("lost", s_bid, 1_000);
        join.OnImpression(Impression("orphan", 1_000));
        join.OnClick("ghost", 1_000);
        join.Advance(3_000, finished);

        Assert.Equal(
            [AuctionEnd.NotWon, AuctionEnd.ImpressionWithoutBid, AuctionEnd.ClickWithoutImpression],
            finished.Select(f => f.End).Order());
        Assert.Equal(JoinResult.LateImpression, join.OnImpression(Impression("lost", 3_500)));
        Assert.Equal(JoinResult.ClickWithoutImpression, join.OnClick("lost", 3_600));
        Assert.Equal(JoinResult.Duplicate, join.OnBid("lost", s_bid, 1_000));
    }

    [Fact]
    public void Duplicates_AreDropped_BeforeAndAfterTheExample()
    {
        var join = new PartitionJoin(0, s_windows);
        var finished = new List<JoinedAuction>();
        join.OnBid("a", s_bid, 1_000);
        Assert.Equal(JoinResult.Duplicate, join.OnBid("a", s_bid, 1_000));
        join.OnImpression(Impression("a", 1_000));
        Assert.Equal(JoinResult.Duplicate, join.OnImpression(Impression("a", 1_000)));
        join.Advance(10_000, finished);
        Assert.Single(finished);
        Assert.Equal(JoinResult.Duplicate, join.OnImpression(Impression("a", 1_000)));
        Assert.Equal(JoinResult.Duplicate, join.OnBid("a", s_bid, 1_000));

        // Forgotten after the dedupe retention (60 s of event time).
        join.Advance(70_001, finished);
        Assert.Equal(0, join.FinishedCount);
    }

    [Fact]
    public void Checkpoint_RoundTrip_RestoresPendingFinishedOffsetsAndClock()
    {
        using var directory = TestSupport.Directory();
        var path = Path.Combine(directory.Path, "p3.join");
        var join = new PartitionJoin(3, s_windows);
        var finished = new List<JoinedAuction>();
        join.OnBid("done", s_bid, 1_000);
        join.OnImpression(Impression("done", 1_000));
        join.Advance(6_000, finished);
        join.OnBid("waiting", s_bid, 6_500);
        join.OnClick("waiting", 6_600);
        join.NextOffsets[0] = 42;
        join.ExamplesNextOffset = 7;
        join.ToCheckpoint().Save(path);

        var restored = new PartitionJoin(3, s_windows, JoinCheckpoint.Load(path));
        Assert.Equal(6_000, restored.WatermarkMs);
        Assert.Equal(42, restored.NextOffsets[0]);
        Assert.Equal(7, restored.ExamplesNextOffset);
        Assert.True(restored.IsPending("waiting"));
        Assert.Equal(JoinResult.Duplicate, restored.OnBid("done", s_bid, 1_000));
        restored.OnImpression(Impression("waiting", 6_700));
        restored.Advance(20_000, finished);
        var example = finished.Last();
        Assert.Equal("waiting", example.BidId);
        Assert.Equal(6_600, example.ClickTimeUnixMs);
    }

    [Fact]
    public void Load_DamagedCheckpoint_IsRefusedNamingTheFile()
    {
        using var directory = TestSupport.Directory();
        var path = Path.Combine(directory.Path, "p0.join");
        new PartitionJoin(0, s_windows).ToCheckpoint().Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0xff;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => JoinCheckpoint.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Null(JoinCheckpoint.Load(Path.Combine(directory.Path, "absent.join")));
    }

    [Fact]
    public void MarkEmitted_DropsPendingAndMakesReplaysDuplicates()
    {
        var join = new PartitionJoin(0, s_windows);
        join.OnBid("a", s_bid, 1_000);
        join.MarkEmitted("a");
        Assert.False(join.IsPending("a"));
        Assert.Equal(JoinResult.Duplicate, join.OnImpression(Impression("a", 1_000)));

        // Marked before the clock is known (no checkpoint): remembered until the retention after the clock starts.
        var fresh = new PartitionJoin(0, s_windows);
        fresh.MarkEmitted("b");
        fresh.Advance(1_000, []);
        Assert.Equal(JoinResult.Duplicate, fresh.OnBid("b", s_bid, 1_000));
    }
}
