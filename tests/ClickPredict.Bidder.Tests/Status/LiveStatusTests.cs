using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Status;
using ClickPredict.Bidder.Tests.Infrastructure;
using ClickPredict.Core.Metrics;

namespace ClickPredict.Bidder.Tests.Status;

public sealed class LiveStatusTests : IDisposable
{
    private readonly TestClock _clock = new(BidderFactory.StartTime);
    private readonly LiveStatus _status;

    public LiveStatusTests() =>
        _status = new LiveStatus(new StatusOptions { BucketSeconds = 10, Buckets = 12, LabelDelaySeconds = 60, TrackedBids = 1024 }, _clock);

    [Fact]
    public void WonImpressions_AreScoredIntoTheBucketOfTheirWin_AfterTheLabelDelay()
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        _status.Bid(1, 0.2, now);
        _status.Bid(2, 0.05, now);
        _status.Bid(3, 0.5, now);
        _status.Win(1);
        _status.Win(2);
        _status.Click(1);
        _status.Click(3); // never won: not an impression
        _status.LabelDue();
        Assert.Equal(2, _status.Pending);
        Assert.DoesNotContain(_status.Series(), p => p.Impressions > 0);

        _clock.Advance(TimeSpan.FromSeconds(30));
        _status.Request(bid: true, 0.0004, "ctr@1"); // keeps the series' window alive to the current bucket
        _clock.Advance(TimeSpan.FromSeconds(31));
        _status.LabelDue();
        Assert.Equal(0, _status.Pending);
        var point = Assert.Single(_status.Series(), p => p.Impressions > 0);
        Assert.Equal(now, point.StartUnixMs);
        Assert.Equal((2, 1), (point.Impressions, point.Clicks));
        Assert.Equal((BinaryMetrics.LogLoss(0.2, true) + BinaryMetrics.LogLoss(0.05, false)) / 2, point.LogLoss!.Value, 12);
        Assert.Equal(0.25 / 1, point.Calibration!.Value, 12);
        Assert.Equal(0.5, point.Ctr);
    }

    [Fact]
    public void Requests_FillBucketsWithCountsAndLatencyQuantiles()
    {
        for (var i = 0; i < 100; i++)
        {
            _status.Request(bid: i % 4 == 0, i < 99 ? 0.0002 : 0.05, "ctr@2");
        }

        _clock.Advance(TimeSpan.FromSeconds(10));
        _status.Request(bid: false, 0.001, "ctr@3");
        var series = _status.Series();
        Assert.Equal(2, series.Count);
        var first = series[0];
        Assert.Equal((100L, 25L, 10.0), (first.Requests, first.Bids, first.Qps));
        Assert.InRange(first.P50Ms!.Value, 0.2, 0.25);
        Assert.InRange(first.P99Ms!.Value, 0.2, 0.25);
        Assert.Equal("ctr@2", first.Model);
        Assert.Equal("ctr@3", series[1].Model);
    }

    [Fact]
    public void Series_CoversOnlyTheWindow_AndQuietBucketsAreZeros()
    {
        _status.Request(bid: true, 0.001, null);
        _clock.Advance(TimeSpan.FromSeconds(30));
        _status.Request(bid: true, 0.001, null);
        var series = _status.Series();
        Assert.Equal([1L, 0, 0, 1], series.Select(p => p.Requests));
        _clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Empty(_status.Series());
    }

    [Fact]
    public void Wins_OfForgottenBids_AreCountedNotScored()
    {
        _status.Win(42);
        Assert.Equal(1, _status.Untracked);
        var few = new LiveStatus(new StatusOptions { TrackedBids = 1024, MaxPendingImpressions = 1 }, _clock);
        few.Bid(1, 0.1, 1);
        few.Bid(2, 0.1, 1);
        few.Win(1);
        few.Win(2);
        Assert.Equal(1, few.Unscored);
        few.Dispose();
    }

    [Fact]
    public void LatencyHistogram_QuantilesFallInTheRightBins()
    {
        var h = new LatencyHistogram();
        Assert.True(double.IsNaN(h.Quantile(0.5)));
        for (var i = 1; i <= 1000; i++)
        {
            h.Record(i * 1e-6); // 1 us .. 1 ms
        }

        Assert.InRange(h.Quantile(0.5), 0.0005, 0.0005 * 1.25);
        Assert.InRange(h.Quantile(0.99), 0.00099, 0.00099 * 1.25);
        h.Record(1000); // absurd durations land in the last bin
        Assert.Equal(LatencyHistogram.UpperBound(LatencyHistogram.Bins - 1), h.Quantile(1.0));
    }

    public void Dispose() => _status.Dispose();

    [Fact]
    public async Task Bids_WrittenFromManyThreadsIntoFewSlots_ReadBackWholeOrNotAtAll()
    {
        // 64 slots, 4 writers, 400,000 bids: slots are overwritten all the time, often by two threads at once,
        // while a reader looks up recent ids. Each bid's pCTR and time derive from its id, so a lookup that
        // returned another bid's words (a torn or mixed slot) would show.
        var status = new LiveStatus(new StatusOptions { TrackedBids = 64 }, _clock);
        long found = 0, mixed = 0, next = 1;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                var id = (ulong)Interlocked.Increment(ref next);
                status.Bid(id, id / 1e9, (long)id * 3);
            }
        })).ToArray();
        while (!Task.WhenAll(writers).IsCompleted)
        {
            var latest = (ulong)Interlocked.Read(ref next);
            for (var id = latest; id + 200 > latest && id > 1; id--)
            {
                if (status.TryGetBid(id, out var pctr, out var time))
                {
                    found++;
                    mixed += pctr == id / 1e9 && time == (long)id * 3 ? 0 : 1;
                }
            }
        }

        await Task.WhenAll(writers);
        Assert.Equal(0, mixed);
        Assert.True(found > 0);
    }
}
