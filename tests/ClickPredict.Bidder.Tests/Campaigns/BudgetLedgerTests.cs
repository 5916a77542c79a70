using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Campaigns;

public sealed class BudgetLedgerTests
{
    private static readonly DateTimeOffset s_midnight = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Check_EvenPacing_AllowsTheDaysShareAndTheHeadroom()
    {
        var clock = new TestClock(s_midnight);
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, pacingHeadroomMinutes: 60);
        var running = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == "camp-running");

        // $1500 a day: at 06:00 with an hour's headroom, 7/24 of it = $437.50 may be spent.
        clock.Now = s_midnight.AddHours(6);
        ledger.Charge(running, 437_499m, clock.Now);
        Assert.Equal(BudgetState.Open, ledger.Check(running, clock.Now));
        ledger.Charge(running, 1m, clock.Now);
        Assert.Equal(BudgetState.Paced, ledger.Check(running, clock.Now));
        Assert.Equal(BudgetState.Open, ledger.Check(running, clock.Now.AddMinutes(1)));

        ledger.Charge(running, 1_062_500m, clock.Now);
        Assert.Equal(1500m, ledger.SpentToday(running));
        Assert.Equal(BudgetState.Exhausted, ledger.Check(running, s_midnight.AddHours(23)));

        // A new UTC day starts from zero.
        clock.Now = s_midnight.AddDays(1).AddHours(1);
        Assert.Equal(BudgetState.Open, ledger.Check(running, clock.Now));
        Assert.Equal(0m, ledger.SpentToday(running));
    }

    [Fact]
    public void Charge_IsExactInDecimalDollars()
    {
        var clock = new TestClock(s_midnight.AddHours(12));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60);
        var garden = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == "camp-garden");
        for (var i = 0; i < 1000; i++)
        {
            ledger.Charge(garden, 1.2345m, clock.Now);
        }

        Assert.Equal(1.2345m, ledger.SpentToday(garden));
    }
}
