using System.Text.Json.Serialization;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>The JSON shape of <c>config/campaigns.json</c>: advertisers, each with campaigns, each with creatives.</summary>
internal sealed class CampaignFileModel
{
    public List<AdvertiserModel> Advertisers { get; set; } = [];
}

internal sealed class AdvertiserModel
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    /// <summary>The advertiser's domains, as bids declare them (<c>adomain</c>) and <c>badv</c> blocks them.</summary>
    public List<string> Adomain { get; set; } = [];

    /// <summary>IAB content categories of the advertiser's ads, as <c>bcat</c> blocks them.</summary>
    public List<string> Categories { get; set; } = [];

    public List<CampaignModel> Campaigns { get; set; } = [];
}

internal sealed class CampaignModel
{
    public string Id { get; set; } = string.Empty;

    public string? Name { get; set; }

    /// <summary>What one click is worth to the advertiser, in US dollars.</summary>
    public decimal ValuePerClickUsd { get; set; }

    /// <summary>The most this campaign bids per thousand impressions, in US dollars.</summary>
    public decimal MaxCpmUsd { get; set; }

    /// <summary>The most this campaign spends per UTC day, in US dollars (charged from win notices).</summary>
    public decimal DailyBudgetUsd { get; set; }

    /// <summary><c>even</c> (spread over the day, the default) or <c>asap</c>.</summary>
    public string Pacing { get; set; } = "even";

    /// <summary>Where a click lands (creatives may override it).</summary>
    public string LandingPage { get; set; } = string.Empty;

    /// <summary>The bundle of the app the campaign promotes, if any, as <c>bapp</c> blocks it.</summary>
    public string? AppBundle { get; set; }

    /// <summary>Categories of this campaign's ads on top of the advertiser's.</summary>
    public List<string> Categories { get; set; } = [];

    public TargetingModel Targeting { get; set; } = new();

    public List<CreativeModel> Creatives { get; set; } = [];
}

internal sealed class TargetingModel
{
    /// <summary><c>device.geo.country</c> values (ISO 3166-1 alpha-3) to bid on; empty: everywhere.</summary>
    public List<string> Countries { get; set; } = [];

    /// <summary><c>device.devicetype</c> values (AdCOM) to bid on; empty: any device.</summary>
    public List<int> DeviceTypes { get; set; } = [];

    /// <summary>Site domains or app bundles to bid on; empty: any.</summary>
    public List<string> Sites { get; set; } = [];

    /// <summary>Site domains or app bundles never to bid on.</summary>
    public List<string> ExcludedSites { get; set; } = [];
}

internal sealed class CreativeModel
{
    public string Id { get; set; } = string.Empty;

    public int W { get; set; }

    public int H { get; set; }

    public string ImageUrl { get; set; } = string.Empty;

    public string? LandingPage { get; set; }

    /// <summary>Creative attributes (AdCOM list, as <c>battr</c> blocks them).</summary>
    public List<int> Attributes { get; set; } = [];
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(CampaignFileModel))]
internal sealed partial class CampaignJsonContext : JsonSerializerContext;
