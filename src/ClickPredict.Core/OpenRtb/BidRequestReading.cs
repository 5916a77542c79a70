namespace ClickPredict.Core.OpenRtb;

/// <summary>What every wire format's parser does before <see cref="BidRequestReader{TTokens}"/> reads the body.</summary>
internal static class BidRequestReading
{
    /// <summary>Resets <paramref name="request"/>, refuses an empty body, and gives the limits in force.</summary>
    public static BidRequestLimits Begin(BidRequest request, BidRequestLimits? limits, bool isEmpty)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Reset();
        if (isEmpty)
        {
            BidRequestException.Throw(BidRequestError.EmptyBody, string.Empty, "the request body is empty");
        }

        return limits ?? BidRequestLimits.Default;
    }
}
