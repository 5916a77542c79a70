using ClickPredict.Core.Features;

namespace ClickPredict.Core.OpenRtb;

/// <summary>The bidder's candidates: each <see cref="AdCandidate"/> keeps its slot hashes per model (see <see cref="AdCandidate.SlotHashes"/>).</summary>
public readonly ref struct AdCandidateSlots(ReadOnlySpan<AdCandidate> candidates) : ICandidateSlots
{
    private readonly ReadOnlySpan<AdCandidate> _candidates = candidates;

    public int Count => _candidates.Length;

    public ReadOnlySpan<uint> SlotHashes(int index, FeatureHasher hasher)
    {
        var candidate = _candidates[index];
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.SlotHashes(hasher);
    }
}
