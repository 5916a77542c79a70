using System.Runtime.CompilerServices;
using System.Text;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// The identity of a creative as the model sees it: the candidate-scoped fields of the OpenRTB
/// schema, encoded once so scoring a candidate copies bytes instead of formatting strings.
/// </summary>
public sealed class AdCandidate
{
    // The candidate's slot hashes under the hasher that last scored it (see SlotHashes).
    private CandidateHashes? _hashes;

    public AdCandidate(string creativeId, string campaignId, string advertiserId, int width, int height)
    {
        ArgumentException.ThrowIfNullOrEmpty(creativeId);
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        ArgumentException.ThrowIfNullOrEmpty(advertiserId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        CreativeId = creativeId;
        CampaignId = campaignId;
        AdvertiserId = advertiserId;
        Width = width;
        Height = height;
        CreativeIdUtf8 = Encoding.UTF8.GetBytes(creativeId);
        CampaignIdUtf8 = Encoding.UTF8.GetBytes(campaignId);
        AdvertiserIdUtf8 = Encoding.UTF8.GetBytes(advertiserId);
        SizeUtf8 = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{width}x{height}"));
    }

    public string CreativeId { get; }

    public string CampaignId { get; }

    public string AdvertiserId { get; }

    public int Width { get; }

    public int Height { get; }

    internal byte[] CreativeIdUtf8 { get; }

    internal byte[] CampaignIdUtf8 { get; }

    internal byte[] AdvertiserIdUtf8 { get; }

    internal byte[] SizeUtf8 { get; }

    /// <summary>
    /// The hashes of this candidate's fields under <paramref name="hasher"/> (an OpenRTB spec's): the
    /// <c>[RequestSlotCount..SlotCount)</c> part of the slot hashes, exactly what
    /// <see cref="FeatureHasher.HashCandidateFields"/> writes once <see cref="OpenRtbFieldExtractor.ExtractCandidate"/>
    /// has filled them in. A candidate's fields never change, so they are hashed once per hasher
    /// (that is, once per model) and kept, instead of once per request.
    /// </summary>
    internal ReadOnlySpan<uint> SlotHashes(FeatureHasher hasher)
    {
        // One read: the pair is published whole, so a reader sees a matching pair or replaces it.
        var hashes = _hashes;
        if (hashes is null || !ReferenceEquals(hashes.Hasher, hasher))
        {
            hashes = HashFor(hasher);
            _hashes = hashes;
        }

        return hashes.Hashes;
    }

    // Cold: once per candidate and model.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private CandidateHashes HashFor(FeatureHasher hasher)
    {
        var values = new FieldValues(hasher.Spec.Schema);
        OpenRtbFieldExtractor.ExtractCandidate(this, values);
        var slots = new uint[hasher.SlotCount];
        hasher.HashCandidateFields(values, slots);
        return new CandidateHashes(hasher, slots[hasher.RequestSlotCount..]);
    }

    public override string ToString() => $"{CreativeId} ({CampaignId}, {Width}x{Height})";
}

/// <summary>A candidate's slot hashes and the hasher they were made with, published as one object.</summary>
internal sealed record CandidateHashes(FeatureHasher Hasher, uint[] Hashes);
