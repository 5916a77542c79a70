using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>
/// What the bidder should bid, worked out here from the model file and the Core scorer: every
/// creative of the imp's size scored, priced with <see cref="BidPricing"/>, the best one kept.
/// Used to check that a response was scored by exactly the model it names.
/// </summary>
internal static class ExpectedBids
{
    private static readonly Lazy<CampaignCatalog> s_catalog = new(() => CampaignCatalog.Load(Repo.CampaignsFile, "http://127.0.0.1:5080"));

    public static CampaignCatalog ShippedCatalog => s_catalog.Value;

    /// <summary>(creative id, price) of the best bid for imp 0 in USD, or null when nothing clears the floor; pCTRs shifted by <paramref name="calibrationShift"/> (logit) when one serves.</summary>
    public static (string CreativeId, decimal Price, double Pctr)? Best(LogisticModel model, byte[] json, DateTimeOffset receivedUtc, string exchange = "sim", decimal shading = 0.8m, double calibrationShift = 0)
    {
        var request = new BidRequest();
        BidRequestParser.Parse(json, request);
        var imp = request.Imp(0);
        var creatives = new List<Creative>();
        foreach (var c in ShippedCatalog.OfSize(imp.BannerW!.Value, imp.BannerH!.Value))
        {
            creatives.Add(c);
        }

        var pctrs = new double[creatives.Count];
        OpenRtbScorer.Score(model, request, 0, receivedUtc, System.Text.Encoding.UTF8.GetBytes(exchange), creatives.Select(c => c.Candidate).ToArray(), new FieldValues(FieldSchema.OpenRtb), pctrs);
        (string, decimal, double)? best = null;
        for (var i = 0; i < creatives.Count; i++)
        {
            pctrs[i] = Core.Calibration.CalibrationShift.Apply(pctrs[i], calibrationShift);
            var campaign = creatives[i].Campaign;
            var price = BidPricing.Price(pctrs[i], campaign.ValuePerClickUsd, campaign.MaxCpmUsd, request.AuctionType, shading, ImpFloor.Of((decimal)imp.BidFloor, Currency.Usd, Currency.Usd), Currency.Usd);
            if (price > 0 && (best is null || price > best.Value.Item2 || (price == best.Value.Item2 && pctrs[i] > best.Value.Item3)))
            {
                best = (creatives[i].Id, price, pctrs[i]);
            }
        }

        return best;
    }
}
