using System.Text;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>A campaign: money (value per click, max CPM, daily budget), targeting, block-list facts and its creatives.</summary>
internal sealed class Campaign
{
    public Campaign(int index, Advertiser advertiser, CampaignModel model, IReadOnlyList<string> categories)
    {
        Index = index;
        Advertiser = advertiser;
        Id = model.Id;
        IdUtf8 = Encoding.UTF8.GetBytes(model.Id);
        Name = model.Name ?? model.Id;
        ValuePerClickUsd = model.ValuePerClickUsd;
        MaxCpmUsd = model.MaxCpmUsd;
        DailyBudgetUsd = model.DailyBudgetUsd;
        EvenPacing = string.Equals(model.Pacing, "even", StringComparison.OrdinalIgnoreCase);
        LandingPage = model.LandingPage;
        AppBundleUtf8 = model.AppBundle is { Length: > 0 } bundle ? Encoding.UTF8.GetBytes(bundle) : null;
        CategoriesUtf8 = [.. categories.Select(Encoding.UTF8.GetBytes)];
        CategoriesJson = [.. categories];
        Countries = [.. model.Targeting.Countries.Select(c => Encoding.UTF8.GetBytes(c.ToUpperInvariant()))];
        DeviceTypes = [.. model.Targeting.DeviceTypes];
        Sites = [.. model.Targeting.Sites.Select(s => Encoding.UTF8.GetBytes(s.ToLowerInvariant()))];
        ExcludedSites = [.. model.Targeting.ExcludedSites.Select(s => Encoding.UTF8.GetBytes(s.ToLowerInvariant()))];
    }

    /// <summary>Position in <see cref="CampaignCatalog.Campaigns"/>: indexes per-campaign state arrays.</summary>
    public int Index { get; }

    public Advertiser Advertiser { get; }

    public string Id { get; }

    public byte[] IdUtf8 { get; }

    public string Name { get; }

    public decimal ValuePerClickUsd { get; }

    public decimal MaxCpmUsd { get; }

    public decimal DailyBudgetUsd { get; }

    public bool EvenPacing { get; }

    public string LandingPage { get; }

    public byte[]? AppBundleUtf8 { get; }

    /// <summary>The advertiser's categories and the campaign's own.</summary>
    public byte[][] CategoriesUtf8 { get; }

    public string[] CategoriesJson { get; }

    public byte[][] Countries { get; }

    public int[] DeviceTypes { get; }

    public byte[][] Sites { get; }

    public byte[][] ExcludedSites { get; }

    public List<Creative> Creatives { get; } = [];
}
