using System.Runtime.CompilerServices;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.OpenRtb;

/// <summary>Scores the candidate creatives of one imp: the request's half of the features is hashed and summed once.</summary>
public static class OpenRtbScorer
{
    // Scratch for the candidates' feature indices (2 KB of stack): enough for 16 candidates of the
    // default spec at a time, and for at least one of the largest spec FeatureSpec allows.
    private const int CandidateIndexScratch = 512;
    private const int MaxBatch = 16;

    /// <summary>
    /// Writes the calibrated pCTR of each of <paramref name="candidates"/> for imp
    /// <paramref name="impIndex"/> into <paramref name="pctrs"/>. <paramref name="scratch"/> is an
    /// OpenRTB-schema <see cref="FieldValues"/> the caller reuses; on return it holds the request's
    /// fields and the last candidate's.
    /// </summary>
    /// <remarks>
    /// Gives exactly what <see cref="LogisticModel.RequestLogit"/> then
    /// <see cref="LogisticModel.PredictCandidate"/> per candidate give (the same indices, the same
    /// terms summed in the same order), with two shortcuts: a candidate's own fields are hashed once
    /// per model and kept on it, and every feature index of a batch of candidates is worked out, and
    /// its weight asked for, before any is summed: the weights of a 2^22 model are scattered over
    /// 16 MB, and their loads then overlap each other instead of stalling one after another.
    /// </remarks>
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
        OpenRtbFieldExtractor.ExtractRequest(request, impIndex, receivedUtc, exchange, scratch);
        ScoreExtracted(model, scratch, new AdCandidateSlots(candidates), pctrs);
        if (!candidates.IsEmpty)
        {
            // As documented: the scratch ends up holding the last candidate's fields.
            OpenRtbFieldExtractor.ExtractCandidate(candidates[^1], scratch);
        }
    }

    /// <summary>
    /// <see cref="Score"/> after field extraction: the request's fields are in
    /// <paramref name="requestFields"/> (of any schema; only its request-scoped fields are read), and
    /// each candidate's slot hashes come from <paramref name="candidates"/>. Writes the calibrated
    /// pCTR of each candidate into <paramref name="pctrs"/>. The bidder reaches it through
    /// <see cref="Score"/>; the back-test times it on rows whose fields it already has.
    /// </summary>
    [SkipLocalsInit]
    public static void ScoreExtracted<TCandidates>(LogisticModel model, FieldValues requestFields, TCandidates candidates, Span<double> pctrs)
        where TCandidates : ICandidateSlots, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(model);
        var candidateCount = candidates.Count;
        if (pctrs.Length < candidateCount)
        {
            throw new ArgumentException("fewer outputs than candidates", nameof(pctrs));
        }

        var hasher = model.Hasher;
        Span<uint> slots = stackalloc uint[hasher.SlotCount];
        Span<int> requestIndices = stackalloc int[hasher.RequestFeatureCount];
        hasher.HashRequestFields(requestFields, slots);
        hasher.RequestIndices(slots, requestIndices);
        model.Prefetch(requestIndices);

        var perCandidate = hasher.CandidateFeatureCount;
        var batch = Math.Clamp(CandidateIndexScratch / Math.Max(perCandidate, 1), 1, MaxBatch);
        Span<int> candidateIndices = stackalloc int[CandidateIndexScratch];
        var requestLogit = 0.0;
        for (var first = 0; first < candidateCount; first += batch)
        {
            var count = Math.Min(batch, candidateCount - first);
            for (var c = 0; c < count; c++)
            {
                // A candidate's own slot hashes never change (the bidder keeps them on it): copy them
                // in next to the request's, as HashCandidateFields would have written them.
                candidates.SlotHashes(first + c, hasher).CopyTo(slots[hasher.RequestSlotCount..]);
                var indices = candidateIndices.Slice(c * perCandidate, perCandidate);
                hasher.CandidateIndices(slots, indices);
                model.Prefetch(indices);
            }

            if (first == 0)
            {
                requestLogit = model.Accumulate(model.Bias, requestIndices);
            }

            for (var c = 0; c < count; c++)
            {
                pctrs[first + c] = model.Probability(model.Accumulate(requestLogit, candidateIndices.Slice(c * perCandidate, perCandidate)));
            }
        }
    }
}
