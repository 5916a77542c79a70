using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Fleet;

namespace ClickPredict.Bidder.Status;

/// <summary>This bidder's view of today's spend, on the status page and in <c>/status.json</c>.</summary>
internal sealed class FleetView
{
    /// <summary><c>local</c>, <c>catching-up</c>, <c>live</c> or <c>degraded</c> (see <see cref="FleetState"/>).</summary>
    public string State { get; init; } = "local";

    /// <summary>Whether this bidder bids (today's spend is known, or configuration lets it bid on its own).</summary>
    public bool Ready { get; init; }

    public IReadOnlyList<CampaignSpendView> Campaigns { get; init; } = [];

    /// <summary>Impression events read back from the fleet's topic since start.</summary>
    public long EventsRead { get; init; }

    /// <summary>Of those, the ones that booked spend today (first of their bid id).</summary>
    public long Charged { get; init; }

    /// <summary>Of those, the ones whose bid id was already charged (a notice accepted by two bidders): not booked again.</summary>
    public long Duplicates { get; init; }

    /// <summary>This bidder's charges not yet read back.</summary>
    public int PendingCharges { get; init; }

    /// <summary>Read-back lag (notice accepted anywhere to read here) since start-up caught up: median, ms.</summary>
    public double? LagP50Ms { get; init; }

    /// <summary>The same, 99th percentile (the overspend bound's lag; docs/SCALING.md).</summary>
    public double? LagP99Ms { get; init; }

    /// <summary>The same, the largest seen.</summary>
    public double? LagMaxMs { get; init; }

    public static FleetView Of(BudgetLedger budgets, SpendReader reader)
    {
        var state = budgets.State;
        var lag = reader.LagMs;
        return new FleetView
        {
            State = state switch
            {
                FleetState.CatchingUp => "catching-up",
                FleetState.Live => "live",
                FleetState.Degraded => "degraded",
                _ => "local",
            },
            Ready = budgets.Ready,
            Campaigns = [.. budgets.Catalog.Campaigns.Select(c => new CampaignSpendView
            {
                Id = c.Id,
                BudgetUsd = c.DailyBudgetUsd,
                MaxCpmUsd = c.MaxCpmUsd,
                SpentUsd = budgets.SpentToday(c),
                PendingUsd = budgets.PendingToday(c),
            })],
            EventsRead = reader.EventsRead,
            Charged = budgets.ReadBackCharged,
            Duplicates = budgets.ReadBackDuplicates,
            PendingCharges = budgets.PendingCount,
            LagP50Ms = lag?.P50,
            LagP99Ms = lag?.P99,
            LagMaxMs = lag?.Max,
        };
    }
}

/// <summary>One campaign's spend today as this bidder sees it.</summary>
internal sealed class CampaignSpendView
{
    public string Id { get; init; } = string.Empty;

    public decimal BudgetUsd { get; init; }

    /// <summary>The most the campaign bids, CPM: what one impression can cost at most, times 1000.</summary>
    public decimal MaxCpmUsd { get; init; }

    /// <summary>The fleet's spend read back plus <see cref="PendingUsd"/>: what budgets and pacing are enforced against.</summary>
    public decimal SpentUsd { get; init; }

    /// <summary>This bidder's charges not yet read back.</summary>
    public decimal PendingUsd { get; init; }
}
