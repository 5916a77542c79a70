namespace ClickPredict.Core.Features;

/// <summary>Whether a field describes the auction (known once per request) or the ad being considered.</summary>
public enum FieldScope
{
    /// <summary>Known once per request and impression: computed once, shared by every candidate.</summary>
    Request,

    /// <summary>Differs per candidate creative (creative, campaign, advertiser, creative size).</summary>
    Candidate,
}
