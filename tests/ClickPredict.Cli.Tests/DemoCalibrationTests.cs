using ClickPredict.Cli.Demo;

namespace ClickPredict.Cli.Tests;

public class DemoCalibrationTests
{
    /// <summary>
    /// Buckets pool into windows of at least 100 clicks (the criterion before 400, still computed beside it); the first windows, before the calibration was ever within
    /// 10% (the default model over-predicting 1.5x from the start), are the cold start, not an excursion: one
    /// excursion to 0.7 that is back within 10% two 5-second windows later is a 10-second recovery, under a
    /// 15-second retrain interval.
    /// </summary>
    [Fact]
    public void From_PoolsBucketsAndTimesEachRecoveryIntoTheTenPercentBand()
    {
        var buckets = new List<StatusBucket>();
        void Add(int second, string model, long impressions, long clicks, double meanPctr) =>
            buckets.Add(new StatusBucket(1_000_000 + (second * 1000L), 0, 0, null, null, impressions, clicks, null, null, model, meanPctr));

        Add(0, "ctr-default@1", 1000, 60, 0.09);
        Add(5, "ctr-default@1", 1000, 60, 0.09);
        Add(10, "ctr@1", 1000, 100, 0.1);
        Add(15, "ctr@1", 1000, 100, 0.07);
        Add(20, "ctr@1", 1000, 100, 0.095);
        Add(25, "ctr@2", 1000, 100, 0.098);
        Add(30, "ctr@2", 1000, 100, 0.06);
        Add(35, "ctr@2", 0, 0, 0);
        Add(40, "ctr@2", 500, 40, 0.08);
        var summary = DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 15, RecalibrateIntervalSeconds = 2 }, DemoCalibration.HundredClicks);

        Assert.Equal([(0.0, 10.0, 120L), (10, 15, 100), (15, 20, 100), (20, 25, 100), (25, 30, 100), (30, 35, 100)], summary.Windows.Select(w => (w.FromSeconds, w.ToSeconds, w.Clicks)));
        Assert.Equal(1.5, summary.Windows[0].Calibration, 12);
        Assert.False(summary.Windows[0].ByPublishedModel);
        Assert.True(summary.Windows[1].ByPublishedModel);
        Assert.Equal(15, summary.WithinTenPercentAfterSeconds);
        Assert.Equal([10.0], summary.RecoverySeconds);
        Assert.Equal(1, summary.UnrecoveredWindows);
        Assert.Equal(5, summary.OpenExcursionSeconds);
        Assert.True(summary.FasterThanRetrainInterval);
        Assert.False(DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 10 }, DemoCalibration.HundredClicks).FasterThanRetrainInterval);

        // A run that ends outside the band for longer than the retrain interval has not recovered in time.
        Add(45, "ctr@2", 1000, 100, 0.06);
        Add(50, "ctr@2", 1000, 100, 0.06);
        Add(55, "ctr@2", 1000, 100, 0.06);
        var late = DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 15 }, DemoCalibration.HundredClicks);
        Assert.Equal(30, late.OpenExcursionSeconds);
        Assert.False(late.FasterThanRetrainInterval);
    }

    /// <summary>
    /// The shipped default file is calibrated too: once within the band, its excursions count like any model's; a
    /// run never within the band has no recovery, every window unrecovered and its whole length open.
    /// </summary>
    [Fact]
    public void From_DefaultModelExcursionsCount_AndARunNeverInTheBandIsAllOpen()
    {
        var buckets = new List<StatusBucket>();
        void Add(int second, string model, double meanPctr) =>
            buckets.Add(new StatusBucket(1_000_000 + (second * 1000L), 0, 0, null, null, 1000, 100, null, null, model, meanPctr));

        Add(0, "ctr-default@1", 0.1);
        Add(5, "ctr-default@1", 0.13);
        Add(10, "ctr-default@1", 0.102);
        Add(15, "ctr@1", 0.1);
        var summary = DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 60 }, DemoCalibration.HundredClicks);
        Assert.Equal(5, summary.WithinTenPercentAfterSeconds);
        Assert.Equal([10.0], summary.RecoverySeconds);
        Assert.Equal([false, false, false, true], summary.Windows.Select(w => w.ByPublishedModel));
        Assert.Equal(["ctr-default@1"], summary.Windows[0].Models);
        Assert.Equal(["ctr@1"], summary.Windows[3].Models);
        Assert.True(summary.FasterThanRetrainInterval);

        buckets.Clear();
        Add(0, "ctr-default@1", 0.15);
        Add(5, "ctr-default@1", 0.13);
        var never = DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 60 }, DemoCalibration.HundredClicks);
        Assert.Null(never.WithinTenPercentAfterSeconds);
        Assert.Empty(never.RecoverySeconds);
        Assert.Equal(2, never.UnrecoveredWindows);
        Assert.Equal(10, never.OpenExcursionSeconds);
        Assert.False(never.FasterThanRetrainInterval);
    }

    /// <summary>
    /// The default criterion pools to 400 clicks (5% noise, half the band). A calibrated run whose 100-click buckets
    /// scatter 1.15, 0.88, 1.02, 0.95 (the 10% noise of 100 clicks: two of four outside the band) pools to one window at
    /// 1.0: no excursion, where the 100-click windows, reported beside it, count a 15 s recovery made of noise alone. A real excursion (four
    /// buckets at 1.25) is one window outside at 400 clicks, and its recovery runs from its start to the end of the next
    /// window back inside: 40 s, under a 60 s retrain interval, not under 30 s.
    /// </summary>
    [Fact]
    public void From_FourHundredClickWindows_JudgeTheCalibrationNotTheCountsNoise()
    {
        var buckets = new List<StatusBucket>();
        var second = 0;
        void Add(params double[] calibrations)
        {
            foreach (var calibration in calibrations)
            {
                buckets.Add(new StatusBucket(1_000_000 + (second * 1000L), 0, 0, null, null, 1000, 100, null, null, "ctr@1", 0.1 * calibration));
                second += 5;
            }
        }

        Add(1.15, 0.88, 1.02, 0.95);
        Add(1.15, 0.88, 1.02, 0.95);
        Add(1.25, 1.25, 1.25, 1.25);
        Add(1.0, 1.0, 1.0, 1.0);
        var summary = DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 60 });

        Assert.Equal(DemoCalibration.MinClicks, summary.MinClicksPerWindow);
        Assert.Equal([(0.0, 20.0, 400L), (20, 40, 400), (40, 60, 400), (60, 80, 400)], summary.Windows.Select(w => (w.FromSeconds, w.ToSeconds, w.Clicks)));
        Assert.Equal([1.0, 1.0, 1.25, 1.0], summary.Windows.Select(w => Math.Round(w.Calibration, 12)));
        Assert.Equal(20, summary.WithinTenPercentAfterSeconds);
        Assert.Equal([40.0], summary.RecoverySeconds);
        Assert.Equal(0, summary.UnrecoveredWindows);
        Assert.True(summary.FasterThanRetrainInterval);
        Assert.False(DemoCalibration.From(buckets, 5, new DemoSettings { RetrainIntervalSeconds = 30 }).FasterThanRetrainInterval);

        var hundred = Assert.IsType<DemoCalibration>(summary.HundredClickWindows);
        Assert.Equal(DemoCalibration.HundredClicks, hundred.MinClicksPerWindow);
        Assert.Null(hundred.HundredClickWindows);
        Assert.Equal(16, hundred.Windows.Count);
        Assert.Equal([15.0, 25.0], hundred.RecoverySeconds);
    }
}
