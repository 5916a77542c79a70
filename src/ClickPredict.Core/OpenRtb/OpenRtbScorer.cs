using System.Runtime.CompilerServices;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.OpenRtb;

/// <summary>Scores the candidate creatives of one imp: the request's half of the features is hashed and summed once.</summary>
public static class OpenRtbScorer
{
    /// <summary>
    /// Writes the calibrated pCTR of each of <paramref name="candidates"/> for imp
    /// <paramref name="impIndex"/> into <paramref name="pctrs"/>. <paramref name="scratch"/> is an
    /// OpenRTB-schema <see cref="FieldValues"/> the caller reuses; on return it holds the request's
    /// fields and the last candidate's.
    /// </summary>
    [SkipLocalsInit]
    public static void Score(
        LogisticModel model,
        BidRequest request,
        int impIndex,
        DateTimeOffset receivedUtc,
        ReadOnlySpan<byte> exchange,
        ReadOnlySpan<AdCandidate> candidates,
        FieldValues scratch,
        Span<double> pctrs)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (pctrs.Length < candidates.Length)
        {
            throw new ArgumentException("fewer outputs than candidates", nameof(pctrs));
        }

        OpenRtbFieldExtractor.ExtractRequest(request, impIndex, receivedUtc, exchange, scratch);
        Span<uint> slots = stackalloc uint[model.Hasher.SlotCount];
        var requestLogit = model.RequestLogit(scratch, slots);
        for (var i = 0; i < candidates.Length; i++)
        {
            OpenRtbFieldExtractor.ExtractCandidate(candidates[i], scratch);
            pctrs[i] = model.PredictCandidate(requestLogit, scratch, slots);
        }
    }
}
