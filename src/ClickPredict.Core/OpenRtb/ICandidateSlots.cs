using ClickPredict.Core.Features;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// The candidates <see cref="OpenRtbScorer.ScoreExtracted"/> scores for one request: how many, and the
/// slot hashes of each. A struct implementing this is passed as a type argument, so each kind of
/// candidate list gets its own compiled scorer with no interface call on the hot path.
/// </summary>
public interface ICandidateSlots
{
    int Count { get; }

    /// <summary>
    /// Candidate <paramref name="index"/>'s slot hashes under <paramref name="hasher"/>: the
    /// <c>[RequestSlotCount..SlotCount)</c> part, exactly what <see cref="FeatureHasher.HashCandidateFields"/>
    /// writes there for its fields.
    /// </summary>
    ReadOnlySpan<uint> SlotHashes(int index, FeatureHasher hasher);
}
