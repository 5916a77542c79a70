using System.Net;
using System.Text;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>One ad of a campaign: size, markup pieces and the candidate the model scores, all built once at load.</summary>
internal sealed class Creative
{
    public Creative(int index, Campaign campaign, CreativeModel model, string publicBaseUrl)
    {
        Index = index;
        Campaign = campaign;
        Id = model.Id;
        IdUtf8 = Encoding.UTF8.GetBytes(model.Id);
        Width = model.W;
        Height = model.H;
        Attributes = [.. model.Attributes];
        LandingPage = model.LandingPage is { Length: > 0 } page ? page : campaign.LandingPage;
        Candidate = new AdCandidate(model.Id, campaign.Id, campaign.Advertiser.Id, model.W, model.H);

        // Ids are URL-safe (the loader checks), so they go into URLs as they are. In the markup the
        // click URL sits in an HTML attribute, where '&' is written '&amp;'.
        var baseUrl = publicBaseUrl.TrimEnd('/');
        Raw = CreativePieces.Raw(
            Encoding.UTF8.GetBytes($"{baseUrl}/win?cr={model.Id}&b="),
            Encoding.UTF8.GetBytes($"{baseUrl}/bill?cr={model.Id}&b="),
            Encoding.UTF8.GetBytes($"{baseUrl}/loss?cr={model.Id}&b="),
            Encoding.UTF8.GetBytes($"<a href=\"{baseUrl}/click?cr={model.Id}&amp;b="),
            Encoding.UTF8.GetBytes(FormattableString.Invariant(
                $"\" target=\"_blank\" rel=\"noopener\"><img src=\"{WebUtility.HtmlEncode(model.ImageUrl)}\" width=\"{model.W}\" height=\"{model.H}\" alt=\"{WebUtility.HtmlEncode(campaign.Advertiser.Name)}\" style=\"border:0\"></a>")));
        Json = Raw.ToJson();
    }

    public int Index { get; }

    public Campaign Campaign { get; }

    public string Id { get; }

    public byte[] IdUtf8 { get; }

    public int Width { get; }

    public int Height { get; }

    public int[] Attributes { get; }

    /// <summary>Where a click goes: never taken from a URL, so click links cannot redirect elsewhere.</summary>
    public string LandingPage { get; }

    public AdCandidate Candidate { get; }

    /// <summary>The notice URL and markup pieces as they are, for MessagePack answers.</summary>
    public CreativePieces Raw { get; }

    /// <summary>The same pieces escaped as JSON string content once, here, for JSON answers.</summary>
    public CreativePieces Json { get; }
}
