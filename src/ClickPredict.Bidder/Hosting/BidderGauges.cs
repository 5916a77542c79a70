using System.Diagnostics.Metrics;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Notices;

namespace ClickPredict.Bidder.Hosting;

/// <summary>The bidder's observed values, read when metrics are collected: serving model, spend today, notices tracked.</summary>
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
            "clickpredict.bidder.campaign.spend_today_usd",
            () => SpendToday(budgets),
            "{USD}",
            "Spend today (UTC) per campaign: the fleet's, read back from the impressions topic, plus this bidder's not yet read back (this process's own with Fleet:Enabled false).");
        meter.CreateObservableGauge(
            "clickpredict.bidder.campaign.pending_usd",
            () => Pending(budgets),
            "{USD}",
            "This bidder's charges of today not yet read back from the fleet's impressions topic, per campaign.");
        meter.CreateObservableGauge(
            "clickpredict.bidder.fleet.state",
            () => (int)budgets.State,
            "{state}",
            "Where today's spend comes from: 0 this process only (Fleet:Enabled false), 1 reading it back (no bids), 2 the fleet's, live, 3 this bidder's own because Kafka was unreachable at start (Fleet:StartWithoutKafka).");
        meter.CreateObservableGauge(
            "clickpredict.bidder.notices.tracked",
            () => notices.Count,
            "{bid}",
            "Bids whose notices are remembered (replay protection).");
    }

    private static IEnumerable<Measurement<double>> Pending(BudgetLedger budgets)
    {
        foreach (var campaign in budgets.Catalog.Campaigns)
        {
            yield return new Measurement<double>((double)budgets.PendingToday(campaign), new KeyValuePair<string, object?>("campaign", campaign.Id));
        }
    }

    private static IEnumerable<Measurement<double>> SpendToday(BudgetLedger budgets)
    {
        foreach (var campaign in budgets.Catalog.Campaigns)
        {
            yield return new Measurement<double>((double)budgets.SpentToday(campaign), new KeyValuePair<string, object?>("campaign", campaign.Id));
        }
    }
}
