namespace ClickPredict.Trainer.Joining;

/// <summary>Windows of the join, in milliseconds of event time.</summary>
internal readonly record struct JoinWindows(long BidWaitMs, long WinWaitMs, long AttributionMs, long DedupeMs)
{
    public static JoinWindows From(ClickPredict.Trainer.Options.JoinerOptions options) => new(
        (long)(options.BidWaitSeconds * 1000),
        (long)(options.WinWaitSeconds * 1000),
        (long)(options.AttributionWindowSeconds * 1000),
        (long)(options.DedupeRetentionSeconds * 1000));
}
