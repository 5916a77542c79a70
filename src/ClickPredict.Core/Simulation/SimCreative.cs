using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Core.Simulation;

/// <summary>A creative the simulated market can show, with the ids the bidder's campaigns use.</summary>
public sealed record SimCreative(string CreativeId, string CampaignId, string AdvertiserId, int Width, int Height)
{
    /// <summary>The common IAB sizes every demo campaign covers.</summary>
    public static IReadOnlyList<(int W, int H)> CommonSizes { get; } =
        [(300, 250), (728, 90), (320, 50), (160, 600), (300, 600), (970, 250)];

    /// <summary>
    /// The demo advertisers' creatives, matching <c>config/campaigns.json</c>: three advertisers, two
    /// campaigns each, one creative per common size: <c>cr-{campaign}-{w}x{h}</c>.
    /// </summary>
    public static IReadOnlyList<SimCreative> DemoSet { get; } = BuildDemoSet();

    public AdCandidate ToCandidate() => new(CreativeId, CampaignId, AdvertiserId, Width, Height);

    private static SimCreative[] BuildDemoSet()
    {
        (string Advertiser, string[] Campaigns)[] advertisers =
        [
            ("adv-sportsgear", ["camp-running", "camp-cycling"]),
            ("adv-travelco", ["camp-citybreaks", "camp-beach"]),
            ("adv-homestore", ["camp-kitchen", "camp-garden"]),
        ];

        var list = new List<SimCreative>();
        foreach (var (advertiser, campaigns) in advertisers)
        {
            foreach (var campaign in campaigns)
            {
                foreach (var (w, h) in CommonSizes)
                {
                    list.Add(new SimCreative(FormattableString.Invariant($"cr-{campaign[5..]}-{w}x{h}"), campaign, advertiser, w, h));
                }
            }
        }

        return [.. list];
    }
}
