namespace ClickPredict.Cli.Demo;

/// <summary>
/// The served model's live calibration over the run: mean served pCTR over observed CTR of the won impressions,
/// in windows of consecutive status buckets pooled to at least <see cref="MinClicks"/> clicks (one bucket's few
/// clicks say little), and how soon after traffic began it was within 10% of 1, against the retrain interval.
/// The served pCTR is the model's after the live calibration the trainer publishes between retrains.
/// </summary>
/// <remarks>
/// Why windows of at least 400 clicks: a window's mean served pCTR is known exactly, but its observed CTR is a count
/// of clicks, whose relative standard error is about <c>1/sqrt(clicks)</c> (Poisson; the binomial's <c>sqrt(1 - CTR)</c>
/// is 0.95 at the demo's 9%). A window is judged against a band of +-10%, so that error must be well under 10% for
/// the judgement to be about the calibration and not the count: at 100 clicks it is 10%, and a perfectly calibrated
/// model's window falls outside the band about a third of the time (<c>P(|Z| > 1)</c> = 0.32) by noise alone; at 400
/// clicks it is 5%, half the band, and that chance is about 5% (<c>P(|Z| > 2)</c> = 0.046), while a window truly 20%
/// off is judged inside 1-4% of the time (13-18% at 100 clicks). The price is time resolution: at the demo's 20 or
/// so clicks a second a window spans three to five 5-second buckets (15-25 s), and a recovery (from the start of the
/// first window outside to the end of the first back inside) is at least two windows. <see cref="HundredClickWindows"/>
/// keeps the 100-click figures for comparison.
/// </remarks>
internal sealed record DemoCalibration
{
    /// <summary>Clicks a window pools at least: about 5% relative noise on its calibration, half the 10% band.</summary>
    public const int MinClicks = 400;

    /// <summary>The window size of the criterion before <see cref="MinClicks"/> (about 10% relative noise), kept for comparison.</summary>
    public const int HundredClicks = 100;

    /// <summary>"Calibrated": mean pCTR over observed CTR within this of 1.</summary>
    public const double Tolerance = 0.1;

    public int RetrainIntervalSeconds { get; init; }

    public int RecalibrateIntervalSeconds { get; init; }

    public int HalfLifeExamples { get; init; }

    /// <summary>How long a win's click was waited for (the bidder's label delay and the joiner's attribution window), seconds: part of every correction's lag.</summary>
    public int LabelDelaySeconds { get; init; }

    /// <summary>Clicks each window pools at least (<see cref="MinClicks"/>; <see cref="HundredClicks"/> in <see cref="HundredClickWindows"/>).</summary>
    public int MinClicksPerWindow { get; init; }

    /// <summary>
    /// The same figures over windows of at least 100 clicks, the criterion before (10% noise per window: about a third of a
    /// calibrated model's windows outside the band), for comparison; <see cref="FasterThanRetrainInterval"/> is not judged on it.
    /// </summary>
    public DemoCalibration? HundredClickWindows { get; init; }

    public IReadOnlyList<CalibrationWindowSummary> Windows { get; init; } = [];

    /// <summary>Seconds from the first labelled impression to the end of the first window within 10% of 1 (null: none was).</summary>
    public double? WithinTenPercentAfterSeconds { get; init; }

    /// <summary>Of the windows from that one on, the share within 10% of 1.</summary>
    public double? ShareWithinTenPercentAfter { get; init; }

    /// <summary>
    /// From the first window within 10% of 1 on (before it, the calibration is still learning from the first clicks):
    /// each time the calibration left the 10% band, seconds from the start of the first window outside it to the end
    /// of the first window back inside (the drift moves the rate all along). Every served model counts, the shipped
    /// default file's too (the trainer calibrates it while it serves).
    /// </summary>
    public IReadOnlyList<double> RecoverySeconds { get; init; } = [];

    /// <summary>Windows outside the band at the end of the run, not yet back (not in <see cref="RecoverySeconds"/>).</summary>
    public int UnrecoveredWindows { get; init; }

    /// <summary>Seconds the calibration had been outside the band when the run ended (null: it ended inside).</summary>
    public double? OpenExcursionSeconds { get; init; }

    public double? LongestRecoverySeconds => RecoverySeconds.Count > 0 ? RecoverySeconds.Max() : null;

    /// <summary>
    /// Whether every return into the 10% band took less than the retrain interval, and the run did not end
    /// outside the band for longer than that (false when no return was measured).
    /// </summary>
    public bool FasterThanRetrainInterval => RecoverySeconds.Count > 0 && LongestRecoverySeconds < RetrainIntervalSeconds
        && !(OpenExcursionSeconds >= RetrainIntervalSeconds);

    /// <summary>The summary over windows of <see cref="MinClicks"/>, with the 100-click one beside it.</summary>
    public static DemoCalibration From(IReadOnlyList<StatusBucket> series, int bucketSeconds, DemoSettings settings) =>
        From(series, bucketSeconds, settings, MinClicks) with { HundredClickWindows = From(series, bucketSeconds, settings, HundredClicks) };

    /// <summary>The summary over windows of consecutive buckets pooled to at least <paramref name="minClicks"/> clicks.</summary>
    public static DemoCalibration From(IReadOnlyList<StatusBucket> series, int bucketSeconds, DemoSettings settings, int minClicks)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(minClicks, 1);
        var windows = new List<CalibrationWindowSummary>();
        string? firstModel = null;
        long? start = null, from = null;
        var published = false;
        long impressions = 0, clicks = 0;
        double predicted = 0;
        var models = new List<string>();
        foreach (var bucket in series.OrderBy(b => b.StartUnixMs))
        {
            if (bucket.Impressions == 0 || bucket.MeanPctr is not { } mean)
            {
                continue;
            }

            start ??= bucket.StartUnixMs;
            firstModel ??= bucket.Model;
            from ??= bucket.StartUnixMs;
            published |= from == bucket.StartUnixMs && !string.Equals(bucket.Model, firstModel, StringComparison.Ordinal);
            impressions += bucket.Impressions;
            clicks += bucket.Clicks;
            predicted += mean * bucket.Impressions;
            if (bucket.Model is { } label && !models.Contains(label))
            {
                models.Add(label);
            }

            if (clicks >= minClicks)
            {
                windows.Add(new CalibrationWindowSummary
                {
                    FromSeconds = (from.Value - start.Value) / 1000.0,
                    ToSeconds = (bucket.StartUnixMs - start.Value) / 1000.0 + bucketSeconds,
                    Impressions = impressions,
                    Clicks = clicks,
                    MeanPctr = predicted / impressions,
                    ObservedCtr = (double)clicks / impressions,
                    ByPublishedModel = published,
                    Models = [.. models],
                });
                models.Clear();
                from = null;
                impressions = clicks = 0;
                predicted = 0;
            }
        }

        var first = windows.FindIndex(w => Math.Abs(w.Calibration - 1) <= Tolerance);
        var recoveries = new List<double>();
        double? leftAt = null;
        var outside = 0;
        double? end = null;
        foreach (var window in windows.Skip(Math.Max(first, 0)))
        {
            end = window.ToSeconds;
            if (Math.Abs(window.Calibration - 1) > Tolerance)
            {
                leftAt ??= window.FromSeconds;
                outside++;
            }
            else if (leftAt is { } left)
            {
                recoveries.Add(window.ToSeconds - left);
                leftAt = null;
                outside = 0;
            }
        }

        return new DemoCalibration
        {
            RecoverySeconds = recoveries,
            UnrecoveredWindows = outside,
            OpenExcursionSeconds = leftAt is { } open && end is { } last ? last - open : null,
            RetrainIntervalSeconds = settings.RetrainIntervalSeconds,
            RecalibrateIntervalSeconds = settings.RecalibrateIntervalSeconds,
            LabelDelaySeconds = settings.LabelDelaySeconds,
            HalfLifeExamples = DemoSettings.CalibrationHalfLifeExamples,
            MinClicksPerWindow = minClicks,
            Windows = windows,
            WithinTenPercentAfterSeconds = first < 0 ? null : windows[first].ToSeconds,
            ShareWithinTenPercentAfter = first < 0 ? null : (double)windows.Skip(first).Count(w => Math.Abs(w.Calibration - 1) <= Tolerance) / (windows.Count - first),
        };
    }
}

/// <summary>One pooled window of the live series: seconds since the first labelled impression, and its calibration.</summary>
internal sealed record CalibrationWindowSummary
{
    public double FromSeconds { get; init; }

    public double ToSeconds { get; init; }

    public long Impressions { get; init; }

    public long Clicks { get; init; }

    public double MeanPctr { get; init; }

    public double ObservedCtr { get; init; }

    /// <summary>Whether the window started after the trainer's first published model served (before it, the shipped default file served).</summary>
    public bool ByPublishedModel { get; init; }

    /// <summary>The models that served in it, oldest first.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Mean served pCTR over observed CTR: 1 is calibrated.</summary>
    public double Calibration => MeanPctr / ObservedCtr;
}
