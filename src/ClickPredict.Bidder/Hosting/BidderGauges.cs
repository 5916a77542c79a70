using System.Diagnostics.Metrics;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Notices;

namespace ClickPredict.Bidder.Hosting;

/// <summary>The bidder's observed values, read when metrics are collected: serving model, mean pCTR, spend today, notices tracked.</summary>
internal sealed class BidderGauges
{
    public BidderGauges(BidderMetrics metrics, ModelHolder models, BudgetLedger budgets, NoticeLedger notices)
    {
        var meter = metrics.Meter;
        meter.CreateObservableGauge(
            "clickpredict.bidder.model.version",
            () => models.Current is { } m
                ? new Measurement<int>(m.Version, new KeyValuePair<string, object?>("model_id", m.Model.Info.ModelId), new KeyValuePair<string, object?>("source", m.Source == ModelSource.Registry ? "registry" : "default-file"))
                : new Measurement<int>(0),
            "{version}",
            "Version of the model in service (0 before one is loaded).");
        meter.CreateObservableGauge(
            "clickpredict.bidder.pctr.mean",
            () => metrics.MeanPctrSinceSwap,
            "1",
            "Mean pCTR of the bids placed since the serving model went in.");
        meter.CreateObservableGauge(
            "clickpredict.bidder.campaign.spend_today_usd",
            () => SpendToday(budgets),
            "{USD}",
            "Spend booked today (UTC) per campaign, from win notices.");
        meter.CreateObservableGauge(
            "clickpredict.bidder.notices.tracked",
            () => notices.Count,
            "{bid}",
            "Bids whose notices are remembered (replay protection).");
    }

    private static IEnumerable<Measurement<double>> SpendToday(BudgetLedger budgets)
    {
        foreach (var campaign in budgets.Catalog.Campaigns)
        {
            yield return new Measurement<double>((double)budgets.SpentToday(campaign), new KeyValuePair<string, object?>("campaign", campaign.Id));
        }
    }
}
