namespace ClickPredict.Cli.Demo;

/// <summary>
/// The served model's live calibration over the run: mean served pCTR over observed CTR of the won impressions,
/// in windows of consecutive status buckets pooled to at least <see cref="MinClicks"/> clicks (one bucket's few
/// clicks say little), and how soon after traffic began it was within 10% of 1, against the retrain interval.
/// The served pCTR is the model's after the live calibration the trainer publishes between retrains.
/// </summary>
internal sealed record DemoCalibration
{
    /// <summary>Clicks a window pools at least (about 10% relative noise on its calibration).</summary>
    public const int MinClicks = 100;

    /// <summary>"Calibrated": mean pCTR over observed CTR within this of 1.</summary>
    public const double Tolerance = 0.1;

    public int RetrainIntervalSeconds { get; init; }

    public int RecalibrateIntervalSeconds { get; init; }

    public int HalfLifeExamples { get; init; }

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

    public static DemoCalibration From(IReadOnlyList<StatusBucket> series, int bucketSeconds, DemoSettings settings)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(settings);
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

            if (clicks >= MinClicks)
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
            HalfLifeExamples = DemoSettings.CalibrationHalfLifeExamples,
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
