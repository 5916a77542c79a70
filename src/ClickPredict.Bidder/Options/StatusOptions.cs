namespace ClickPredict.Bidder.Options;

/// <summary>The live status page at <c>/</c> and its data at <c>/status.json</c>: config section <c>Status</c>.</summary>
public sealed class StatusOptions
{
    public const string SectionName = "Status";

    /// <summary><c>Status:Enabled</c>: serve the page and its data. Default true (keep the port off the public network, as with <c>/metrics</c>).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Status:BucketSeconds</c>: width of one point of the time series. Default 10.</summary>
    public int BucketSeconds { get; set; } = 10;

    /// <summary><c>Status:Buckets</c>: points kept (the series covers Buckets x BucketSeconds). Default 360 (an hour).</summary>
    public int Buckets { get; set; } = 360;

    /// <summary>
    /// <c>Status:LabelDelaySeconds</c>: how long after its win an impression waits for a click before it
    /// counts in the live log loss (as the trainer's attribution window). Default 300.
    /// </summary>
    public int LabelDelaySeconds { get; set; } = 300;

    /// <summary><c>Status:TrackedBids</c>: recent bids remembered (pCTR by bid id) to score their wins; a power of two. Default 262144.</summary>
    public int TrackedBids { get; set; } = 1 << 18;

    /// <summary><c>Status:MaxPendingImpressions</c>: won impressions waiting for their label at most; beyond it they are not scored (counted). Default 1000000.</summary>
    public int MaxPendingImpressions { get; set; } = 1_000_000;
}
