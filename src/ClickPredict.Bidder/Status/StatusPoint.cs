namespace ClickPredict.Bidder.Status;

/// <summary>One point of the status page's time series (what <c>/status.json</c> lists under <c>series</c>).</summary>
internal sealed class StatusPoint
{
    public long StartUnixMs { get; init; }

    public long Requests { get; init; }

    public double Qps { get; init; }

    public long Bids { get; init; }

    public double? P50Ms { get; init; }

    public double? P99Ms { get; init; }

    /// <summary>Won impressions (by win time) whose label is known: their click window has passed.</summary>
    public long Impressions { get; init; }

    public long Clicks { get; init; }

    /// <summary>Log loss of the served pCTRs against the clicks that followed.</summary>
    public double? LogLoss { get; init; }

    public double? MeanPctr { get; init; }

    public double? Ctr { get; init; }

    /// <summary>Mean pCTR over observed CTR: 1 is calibrated.</summary>
    public double? Calibration { get; init; }

    /// <summary>The model that answered the bucket's last request.</summary>
    public string? Model { get; init; }
}
