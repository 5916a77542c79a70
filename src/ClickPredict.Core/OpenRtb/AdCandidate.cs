using System.Text;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// The identity of a creative as the model sees it: the candidate-scoped fields of the OpenRTB
/// schema, encoded once so scoring a candidate copies bytes instead of formatting strings.
/// </summary>
public sealed class AdCandidate
{
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

    public override string ToString() => $"{CreativeId} ({CampaignId}, {Width}x{Height})";
}
