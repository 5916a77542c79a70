using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>The rules a campaigns file must keep; each failure names the file and the entry's JSON path.</summary>
internal sealed class CampaignRules(string path)
{
    private readonly HashSet<string> _advertisers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _campaigns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _creatives = new(StringComparer.Ordinal);

    public void File(CampaignFileModel file)
    {
        // JSON null where a list belongs reads as null; treat it as empty.
        file.Advertisers ??= [];
        if (file.Advertisers.Count == 0)
        {
            Fail("advertisers", "at least one advertiser is needed");
        }

        for (var i = 0; i < file.Advertisers.Count; i++)
        {
            Advertiser(file.Advertisers[i], $"advertisers[{i}]");
        }
    }

    private void Advertiser(AdvertiserModel a, string at)
    {
        if (a is null)
        {
            Fail(at, "must be an object");
            return;
        }

        a.Adomain ??= [];
        a.Categories ??= [];
        a.Campaigns ??= [];
        Id(a.Id, at, _advertisers);
        if (a.Adomain.Count == 0)
        {
            Fail(at + ".adomain", "at least one advertiser domain is needed (bids declare it and badv blocks it)");
        }

        for (var i = 0; i < a.Adomain.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(a.Adomain[i]) || a.Adomain[i].Contains('/', StringComparison.Ordinal))
            {
                Fail($"{at}.adomain[{i}]", "must be a domain such as brand.example");
            }
        }

        Categories(a.Categories, at + ".categories");
        if (a.Campaigns.Count == 0)
        {
            Fail(at + ".campaigns", "at least one campaign is needed");
        }

        for (var i = 0; i < a.Campaigns.Count; i++)
        {
            Campaign(a.Campaigns[i], $"{at}.campaigns[{i}]");
        }
    }

    private void Campaign(CampaignModel c, string at)
    {
        if (c is null)
        {
            Fail(at, "must be an object");
            return;
        }

        c.Categories ??= [];
        c.Creatives ??= [];
        c.Pacing ??= "even";
        Id(c.Id, at, _campaigns);
        Positive(c.ValuePerClickUsd, at + ".valuePerClickUsd");
        Positive(c.MaxCpmUsd, at + ".maxCpmUsd");
        Positive(c.DailyBudgetUsd, at + ".dailyBudgetUsd");
        if (c.Pacing is not ("even" or "asap"))
        {
            Fail(at + ".pacing", $"must be \"even\" or \"asap\", not \"{c.Pacing}\"");
        }

        Url(c.LandingPage, at + ".landingPage");
        Categories(c.Categories, at + ".categories");
        var t = c.Targeting ?? new TargetingModel();
        c.Targeting = t;
        t.Countries ??= [];
        t.DeviceTypes ??= [];
        t.Sites ??= [];
        t.ExcludedSites ??= [];
        for (var i = 0; i < t.Countries.Count; i++)
        {
            if (t.Countries[i] is not { Length: 3 } country || !country.All(char.IsAsciiLetter))
            {
                Fail($"{at}.targeting.countries[{i}]", "countries are ISO 3166-1 alpha-3 codes, as device.geo.country carries them");
            }
        }

        for (var i = 0; i < t.DeviceTypes.Count; i++)
        {
            if (t.DeviceTypes[i] is < 1 or > 255)
            {
                Fail($"{at}.targeting.deviceTypes[{i}]", "device types are AdCOM device type codes (1-7 today)");
            }
        }

        NonEmpty(t.Sites, at + ".targeting.sites");
        NonEmpty(t.ExcludedSites, at + ".targeting.excludedSites");
        if (c.Creatives.Count == 0)
        {
            Fail(at + ".creatives", "at least one creative is needed");
        }

        for (var i = 0; i < c.Creatives.Count; i++)
        {
            Creative(c.Creatives[i], $"{at}.creatives[{i}]", c.LandingPage);
        }
    }

    private void Creative(CreativeModel cr, string at, string campaignLanding)
    {
        if (cr is null)
        {
            Fail(at, "must be an object");
            return;
        }

        cr.Attributes ??= [];
        Id(cr.Id, at, _creatives);
        if (cr.W is < 1 or > 10_000 || cr.H is < 1 or > 10_000)
        {
            Fail(at, $"w and h must be between 1 and 10000 (got {cr.W}x{cr.H})");
        }

        Url(cr.ImageUrl, at + ".imageUrl");
        if (cr.LandingPage is not null)
        {
            Url(cr.LandingPage, at + ".landingPage");
        }
        else if (campaignLanding.Length == 0)
        {
            Fail(at + ".landingPage", "a creative needs a landing page, its own or its campaign's");
        }

        for (var i = 0; i < cr.Attributes.Count; i++)
        {
            if (cr.Attributes[i] is < 1 or > 255)
            {
                Fail($"{at}.attributes[{i}]", "attributes are AdCOM creative attribute codes");
            }
        }
    }

    /// <summary>Ids go into URLs and events as they are: 1-64 letters, digits, '.', '_' or '-', unique.</summary>
    private void Id(string? id, string at, HashSet<string> seen)
    {
        if (id is not { Length: > 0 and <= 64 } || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            Fail(at + ".id", $"ids are 1-64 letters, digits, '.', '_' or '-' (got \"{id}\")");
        }

        if (!seen.Add(id!))
        {
            Fail(at + ".id", $"duplicate id \"{id}\"");
        }
    }

    private void Positive(decimal value, string at)
    {
        if (value <= 0)
        {
            Fail(at, string.Create(CultureInfo.InvariantCulture, $"must be greater than 0 (got {value})"));
        }
    }

    private void Url(string? value, string at)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Fail(at, $"must be an absolute http(s) URL (got \"{value}\")");
        }
    }

    private void Categories(List<string> categories, string at)
    {
        for (var i = 0; i < categories.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(categories[i]))
            {
                Fail($"{at}[{i}]", "categories are IAB category codes such as IAB17-44");
            }
        }
    }

    private void NonEmpty(List<string> values, string at)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
            {
                Fail($"{at}[{i}]", "must not be empty");
            }
        }
    }

    [DoesNotReturn]
    private void Fail(string at, string problem) => throw new CampaignFileException($"{path}: {at}: {problem}");
}
