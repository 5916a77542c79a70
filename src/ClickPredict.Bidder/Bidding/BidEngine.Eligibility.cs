using System.Text;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Bidder.Bidding;

/// <summary>Whether a campaign may bid on this request: block lists, targeting, budget. Checked once per campaign per request.</summary>
internal sealed partial class BidEngine
{
    /// <summary>Tokens of well-known crawlers' user agents (OpenRTB no-bid reason 3).</summary>
    private static readonly byte[][] s_crawlerTokens =
        [.. new[] { "Googlebot", "bingbot", "Baiduspider", "YandexBot", "DuckDuckBot", "AhrefsBot", "SemrushBot", "HeadlessChrome", "crawler", "Crawler", "spider", "Spider" }.Select(Encoding.ASCII.GetBytes)];

    private static bool IsKnownCrawler(ReadOnlySpan<byte> ua)
    {
        if (ua.IsEmpty)
        {
            return false;
        }

        foreach (var token in s_crawlerTokens)
        {
            if (ua.IndexOf(token) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="NoBidReason.None"/> when the campaign may bid, else why not; cached in the context for the request.</summary>
    private NoBidReason CampaignState(BidContext ctx, Campaign campaign)
    {
        var cached = ctx.CampaignStates[campaign.Index];
        if (cached != 0)
        {
            return (NoBidReason)(cached - 1);
        }

        var state = CheckCampaign(ctx, campaign);
        ctx.CampaignStates[campaign.Index] = (byte)((byte)state + 1);
        return state;
    }

    private NoBidReason CheckCampaign(BidContext ctx, Campaign campaign)
    {
        var request = ctx.Request;
        if (Blocked(request, campaign))
        {
            return NoBidReason.AdvertiserBlocked;
        }

        if (!Targeted(request, campaign))
        {
            return NoBidReason.NotTargeted;
        }

        var budget = _budgets.Check(campaign, ctx.ReceivedUtc);
        ctx.BudgetTight[campaign.Index] = budget == BudgetState.Tight;
        return budget switch
        {
            BudgetState.Exhausted => NoBidReason.BudgetExhausted,
            BudgetState.Paced => NoBidReason.Paced,
            _ => NoBidReason.None,
        };
    }

    /// <summary><c>badv</c> names an advertiser domain, <c>bcat</c> a category (or its parent), or <c>bapp</c> the promoted app.</summary>
    private static bool Blocked(BidRequest request, Campaign campaign)
    {
        foreach (var blocked in request.Strings(request.BlockedAdvertisers))
        {
            var domain = request.Text(blocked);
            foreach (var ours in campaign.Advertiser.AdomainUtf8)
            {
                if (System.Text.Ascii.EqualsIgnoreCase(domain, ours))
                {
                    return true;
                }
            }
        }

        foreach (var blocked in request.Strings(request.BlockedCategories))
        {
            var category = request.Text(blocked);
            foreach (var ours in campaign.CategoriesUtf8)
            {
                // IAB17 blocks IAB17 and its subcategories IAB17-1, IAB17-44, ...
                if (ours.AsSpan().StartsWith(category) && (ours.Length == category.Length || ours[category.Length] == (byte)'-'))
                {
                    return true;
                }
            }
        }

        if (campaign.AppBundleUtf8 is { } bundle)
        {
            foreach (var blocked in request.Strings(request.BlockedApps))
            {
                if (request.Text(blocked).SequenceEqual(bundle))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Targeted(BidRequest request, Campaign campaign)
    {
        if (campaign.Countries.Length > 0 && !AnyEqualIgnoreCase(campaign.Countries, request.Text(request.Device.GeoCountry)))
        {
            return false;
        }

        if (campaign.DeviceTypes.Length > 0 && (request.Device.DeviceType is not { } deviceType || Array.IndexOf(campaign.DeviceTypes, deviceType) < 0))
        {
            return false;
        }

        if (campaign.Sites.Length == 0 && campaign.ExcludedSites.Length == 0)
        {
            return true;
        }

        var site = InventoryName(request);
        if (campaign.ExcludedSites.Length > 0 && AnyEqualIgnoreCase(campaign.ExcludedSites, site))
        {
            return false;
        }

        return campaign.Sites.Length == 0 || AnyEqualIgnoreCase(campaign.Sites, site);
    }

    /// <summary>The site's domain (or its page's host) or the app's bundle.</summary>
    private static ReadOnlySpan<byte> InventoryName(BidRequest request)
    {
        if (request.Site.IsPresent)
        {
            var domain = request.Text(request.Site.Domain);
            return domain.IsEmpty ? OpenRtbFieldExtractor.HostOf(request.Text(request.Site.Page)) : domain;
        }

        return request.App.IsPresent ? request.Text(request.App.Bundle) : default;
    }

    private static bool AnyEqualIgnoreCase(byte[][] list, ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var item in list)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(value, item))
            {
                return true;
            }
        }

        return false;
    }
}
