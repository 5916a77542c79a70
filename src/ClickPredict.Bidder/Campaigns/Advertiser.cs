using System.Text;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>An advertiser of the loaded campaigns: immutable, with what bids and block lists need encoded once.</summary>
internal sealed class Advertiser
{
    public Advertiser(string id, string? name, IReadOnlyList<string> adomain, IReadOnlyList<string> categories)
    {
        Id = id;
        IdUtf8 = Encoding.UTF8.GetBytes(id);
        Name = name ?? id;
        Adomain = [.. adomain];
        AdomainUtf8 = [.. adomain.Select(Encoding.UTF8.GetBytes)];
        Categories = [.. categories];
    }

    public string Id { get; }

    public byte[] IdUtf8 { get; }

    public string Name { get; }

    public string[] Adomain { get; }

    public byte[][] AdomainUtf8 { get; }

    public string[] Categories { get; }
}
