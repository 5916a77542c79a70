using System.Collections.Frozen;
using System.Text.Json;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>
/// The loaded campaigns: immutable after load, shared by every request. Creatives are indexed by
/// size, so finding the candidates of an imp is a scan of a handful of sizes, not of every creative.
/// </summary>
internal sealed class CampaignCatalog
{
    private readonly SizeBucket[] _sizes;

    private CampaignCatalog(string path, Advertiser[] advertisers, Campaign[] campaigns, Creative[] creatives)
    {
        Path = path;
        Advertisers = advertisers;
        Campaigns = campaigns;
        Creatives = creatives;
        CreativesById = creatives.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        CampaignsById = campaigns.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);
        _sizes = [.. creatives.GroupBy(c => (c.Width, c.Height)).Select(g => new SizeBucket(g.Key.Width, g.Key.Height, [.. g]))];
    }

    public string Path { get; }

    public IReadOnlyList<Advertiser> Advertisers { get; }

    public Campaign[] Campaigns { get; }

    public Creative[] Creatives { get; }

    public FrozenDictionary<string, Creative> CreativesById { get; }

    public FrozenDictionary<string, Campaign> CampaignsById { get; }

    /// <summary>The creatives of size <paramref name="width"/> x <paramref name="height"/>; empty when none.</summary>
    public ReadOnlySpan<Creative> OfSize(int width, int height)
    {
        foreach (var bucket in _sizes)
        {
            if (bucket.Width == width && bucket.Height == height)
            {
                return bucket.Creatives;
            }
        }

        return default;
    }

    /// <summary>Reads and checks <paramref name="path"/>; throws <see cref="CampaignFileException"/> naming the first problem.</summary>
    public static CampaignCatalog Load(string path, string publicBaseUrl)
    {
        CampaignFileModel? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, CampaignJsonContext.Default.CampaignFileModel);
        }
        catch (IOException e)
        {
            throw new CampaignFileException($"{path}: cannot read the campaigns file: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CampaignFileException($"{path}: cannot read the campaigns file: {e.Message}", e);
        }
        catch (JsonException e)
        {
            // The message names the JSON path ($.advertisers[0].campaigns[1].maxCpmUsd) and line.
            throw new CampaignFileException($"{path}: not a valid campaigns file: {e.Message}", e);
        }

        if (file is null)
        {
            throw new CampaignFileException($"{path}: the campaigns file is null");
        }

        return Build(path, file, publicBaseUrl);
    }

    /// <summary>Checks a parsed file and builds the catalog.</summary>
    public static CampaignCatalog Build(string path, CampaignFileModel file, string publicBaseUrl)
    {
        var check = new CampaignRules(path);
        check.File(file);

        var advertisers = new List<Advertiser>();
        var campaigns = new List<Campaign>();
        var creatives = new List<Creative>();
        foreach (var a in file.Advertisers)
        {
            var advertiser = new Advertiser(a.Id, a.Name, a.Adomain, a.Categories);
            advertisers.Add(advertiser);
            foreach (var c in a.Campaigns)
            {
                var categories = a.Categories.Concat(c.Categories).Distinct(StringComparer.Ordinal).ToArray();
                var campaign = new Campaign(campaigns.Count, advertiser, c, categories);
                campaigns.Add(campaign);
                foreach (var cr in c.Creatives)
                {
                    var creative = new Creative(creatives.Count, campaign, cr, publicBaseUrl);
                    campaign.Creatives.Add(creative);
                    creatives.Add(creative);
                }
            }
        }

        return new CampaignCatalog(path, [.. advertisers], [.. campaigns], [.. creatives]);
    }

    private sealed record SizeBucket(int Width, int Height, Creative[] Creatives);
}
