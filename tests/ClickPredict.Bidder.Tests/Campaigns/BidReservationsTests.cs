using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Campaigns;

public sealed class BidReservationsTests
{
    [Fact]
    public void Reserve_HoldsUntilReleasedOrTheWindowPasses()
    {
        var reservations = new BidReservations(campaigns: 2, windowMs: 800);
        reservations.Reserve(0, 500, nowMs: 10_000);
        reservations.Reserve(0, 300, nowMs: 10_150);
        reservations.Reserve(1, 7, nowMs: 10_150);
        Assert.Equal(800, reservations.Reserved(0, 10_200));
        Assert.Equal(7, reservations.Reserved(1, 10_200));

        // The first bid's notice: released from the slot of its bid time.
        reservations.Release(0, 500, bidMs: 10_000);
        Assert.Equal(300, reservations.Reserved(0, 10_200));

        // No notice for the second: it expires with its slot, a window after it was made.
        Assert.Equal(300, reservations.Reserved(0, 10_850));
        Assert.Equal(0, reservations.Reserved(0, 11_000));
        Assert.Equal(0, reservations.Reserved(1, 11_000));
    }

    [Fact]
    public void Release_AfterTheSlotWasReused_TakesNothingFromTheNewBids()
    {
        var reservations = new BidReservations(campaigns: 1, windowMs: 800);
        reservations.Reserve(0, 500, nowMs: 1_000);
        reservations.Reserve(0, 200, nowMs: 1_800);
        reservations.Release(0, 500, bidMs: 1_000);
        Assert.Equal(200, reservations.Reserved(0, 1_800));
    }

    [Fact]
    public void Ledger_ABidInFlight_CountsAgainstTheBudgetUntilItsNoticeIsCharged()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 6, 1, 23, 0, 0, TimeSpan.Zero));
        var garden = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == "camp-garden");
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xa, BidReserveMs: 1_000));
        ledger.CaughtUp();
        var now = clock.Now.ToUnixTimeMilliseconds();
        ledger.ReadBack(new UInt128(0xb, 1), garden, 699.99m, now, now);

        // A $6 CPM bid could cost $0.006: with $0.01 left and a fleet of two, the share is $0.005.
        ledger.Reserve(garden, 6m, clock.Now);
        Assert.Equal(BudgetState.Exhausted, ledger.Check(garden, clock.Now));

        // Its notice at a $4 clearing price replaces the reservation with the charge: $0.004 of the $0.005 share.
        Assert.True(ledger.Charge(garden, new UInt128(0xa, 1), 0.004m, clock.Now, bidPriceCpmUsd: 6m, bidUnixMs: now));
        Assert.Equal(BudgetState.Tight, ledger.Check(garden, clock.Now));
        Assert.True(ledger.Fits(garden, 1m, clock.Now));

        // A bid whose notice another bidder took: released when that charge is read back.
        ledger.Reserve(garden, 6m, clock.Now);
        Assert.Equal(BudgetState.Exhausted, ledger.Check(garden, clock.Now));
        ledger.ReadBack(new UInt128(0xa, 2), garden, 0.0001m, now, now, bidPriceCpmUsd: 6m);
        Assert.Equal(BudgetState.Tight, ledger.Check(garden, clock.Now));

        // A lost bid: released when the window has passed.
        ledger.Reserve(garden, 6m, clock.Now);
        Assert.Equal(BudgetState.Exhausted, ledger.Check(garden, clock.Now));
        clock.Advance(TimeSpan.FromMilliseconds(1_200));
        Assert.Equal(BudgetState.Tight, ledger.Check(garden, clock.Now));
    }
}
