using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Campaigns;

public sealed class BudgetLedgerTests
{
    private static readonly DateTimeOffset s_midnight = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Campaign s_running = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == "camp-running");
    private static readonly Campaign s_garden = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == "camp-garden");
    private static long s_nextBid;

    [Fact]
    public void Check_EvenPacing_AllowsTheDaysShareAndTheHeadroom()
    {
        var clock = new TestClock(s_midnight);
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, pacingHeadroomMinutes: 60);

        // $1500 a day: at 06:00 with an hour's headroom, 7/24 of it = $437.50 may be spent.
        clock.Now = s_midnight.AddHours(6);
        ledger.Charge(s_running, NextBid(), 437.499m, clock.Now);
        Assert.Equal(BudgetState.Open, ledger.Check(s_running, clock.Now));
        ledger.Charge(s_running, NextBid(), 0.001m, clock.Now);
        Assert.Equal(BudgetState.Paced, ledger.Check(s_running, clock.Now));
        Assert.Equal(BudgetState.Open, ledger.Check(s_running, clock.Now.AddMinutes(1)));

        ledger.Charge(s_running, NextBid(), 1_062.5m, clock.Now);
        Assert.Equal(1500m, ledger.SpentToday(s_running));
        Assert.Equal(BudgetState.Exhausted, ledger.Check(s_running, s_midnight.AddHours(23)));

        // A new UTC day starts from zero.
        clock.Now = s_midnight.AddDays(1).AddHours(1);
        Assert.Equal(BudgetState.Open, ledger.Check(s_running, clock.Now));
        Assert.Equal(0m, ledger.SpentToday(s_running));
    }

    [Fact]
    public void Charge_IsExactInDecimalDollars()
    {
        var clock = new TestClock(s_midnight.AddHours(12));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60);
        for (var i = 0; i < 1000; i++)
        {
            ledger.Charge(s_garden, NextBid(), 0.0012345m, clock.Now);
        }

        Assert.Equal(1.2345m, ledger.SpentToday(s_garden));
    }

    [Fact]
    public void Local_IsReadyAtOnce()
    {
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, new TestClock(s_midnight), 60);
        Assert.Equal(FleetState.Local, ledger.State);
        Assert.True(ledger.Ready);
        Assert.True(ledger.WhenReady.IsCompletedSuccessfully);
    }

    [Fact]
    public void Fleet_DoesNotBidUntilCaughtUp_ThenEnforcesTheFleetsSpend()
    {
        // 23:00: with an hour's headroom even pacing allows the whole budget.
        var clock = new TestClock(s_midnight.AddHours(23));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xfeed));
        Assert.Equal(FleetState.CatchingUp, ledger.State);
        Assert.False(ledger.Ready);
        Assert.False(ledger.WhenReady.IsCompleted);

        // Other bidders' impressions read back: $1,499.99 of camp-running's $1,500 is gone before this one bids.
        var now = clock.Now.ToUnixTimeMilliseconds();
        ledger.ReadBack(NextBid(), s_running, 1_000m, now, now);
        ledger.ReadBack(NextBid(), s_running, 499.99m, now, now);
        ledger.CaughtUp();
        Assert.True(ledger.Ready);
        Assert.True(ledger.WhenReady.IsCompletedSuccessfully);
        Assert.Equal(1_499.99m, ledger.SpentToday(s_running));
        Assert.Equal(BudgetState.Open, ledger.Check(s_running, clock.Now));

        // This bidder's own charge counts at once, pending until its event comes back.
        var own = NextBid();
        Assert.True(ledger.Charge(s_running, own, 0.01m, clock.Now));
        Assert.Equal(0.01m, ledger.PendingToday(s_running));
        Assert.Equal(BudgetState.Exhausted, ledger.Check(s_running, clock.Now));

        // Read back: booked once, pending settled, the total unchanged.
        Assert.Equal(ReadBackOutcome.Charged, ledger.ReadBack(own, s_running, 0.01m, now, now));
        Assert.Equal(0m, ledger.PendingToday(s_running));
        Assert.Equal(1_500m, ledger.SpentToday(s_running));
        Assert.Equal(0, ledger.PendingCount);
    }

    [Fact]
    public void Fleet_ABidChargedByTwoBidders_IsBookedOnce()
    {
        var clock = new TestClock(s_midnight.AddHours(12));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xfeed));
        ledger.CaughtUp();
        var now = clock.Now.ToUnixTimeMilliseconds();
        var bid = NextBid();

        // This bidder and another took the same bid's notice at once; the other's event is first in the partition.
        Assert.True(ledger.Charge(s_garden, bid, 0.002m, clock.Now));
        Assert.Equal(ReadBackOutcome.Charged, ledger.ReadBack(bid, s_garden, 0.002m, now, now));
        Assert.Equal(ReadBackOutcome.Duplicate, ledger.ReadBack(bid, s_garden, 0.002m, now + 5, now));
        Assert.Equal(0.002m, ledger.SpentToday(s_garden));
        Assert.Equal(1, ledger.ReadBackDuplicates);

        // Once read back, the same bid cannot be charged here again.
        Assert.False(ledger.Charge(s_garden, bid, 0.002m, clock.Now));
        Assert.Equal(0.002m, ledger.SpentToday(s_garden));
    }

    [Fact]
    public void Fleet_DuplicateReadBack_SettlesOurPendingChargeWithoutBookingIt()
    {
        var clock = new TestClock(s_midnight.AddHours(12));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xfeed));
        ledger.CaughtUp();
        var now = clock.Now.ToUnixTimeMilliseconds();
        var bid = NextBid();

        // The other bidder's event was read before this one charged (the race the replay check cannot close).
        Assert.Equal(ReadBackOutcome.Charged, ledger.ReadBack(bid, s_garden, 0.003m, now, now));
        Assert.False(ledger.Charge(s_garden, bid, 0.003m, clock.Now));
        Assert.Equal(0.003m, ledger.SpentToday(s_garden));
        Assert.Equal(0, ledger.PendingCount);
    }

    [Fact]
    public void Fleet_ReadBackOfAnotherDay_IsRememberedNotBooked()
    {
        var clock = new TestClock(s_midnight.AddHours(1));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xfeed));
        var yesterday = s_midnight.AddMinutes(-10).ToUnixTimeMilliseconds();
        var bid = NextBid();
        Assert.Equal(ReadBackOutcome.OtherDay, ledger.ReadBack(bid, s_garden, 5m, yesterday, yesterday));
        Assert.Equal(0m, ledger.SpentToday(s_garden));

        // A second notice for yesterday's bid is still recognised as charged.
        Assert.False(ledger.Charge(s_garden, bid, 5m, clock.Now));
        Assert.Equal(ReadBackOutcome.UnknownCampaign, ledger.ReadBack(NextBid(), null, 1m, clock.Now.ToUnixTimeMilliseconds(), yesterday));
    }

    [Fact]
    public void Fleet_Prune_ForgetsOldBidsAndEarlierDaysPendingCharges()
    {
        var clock = new TestClock(s_midnight.AddHours(23));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xfeed));
        ledger.CaughtUp();
        var old = NextBid();
        var at = clock.Now.ToUnixTimeMilliseconds();
        ledger.ReadBack(old, s_garden, 1m, at, at);
        Assert.True(ledger.Charge(s_garden, NextBid(), 1m, clock.Now));

        // Two hours on (a new day): the old bid is past an hour's replay window; the charge never came back.
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0m, ledger.SpentToday(s_garden));
        Assert.Equal(1, ledger.Prune(maxAgeMs: 3_600_000));
        Assert.Equal(0, ledger.ChargedTracked);
        Assert.Equal(0, ledger.PendingCount);
        Assert.True(ledger.Charge(s_garden, old, 1m, clock.Now));
    }

    [Fact]
    public void Fleet_StartDegraded_IsReady_AndRecoversOnceCaughtUp()
    {
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, new TestClock(s_midnight), 60, new FleetBudget(OwnNonce: 0xfeed));
        ledger.StartDegraded();
        Assert.Equal(FleetState.Degraded, ledger.State);
        Assert.True(ledger.Ready);
        Assert.True(ledger.WhenReady.IsCompletedSuccessfully);
        ledger.CaughtUp();
        Assert.Equal(FleetState.Degraded, ledger.State);
        ledger.Recovered();
        Assert.Equal(FleetState.Live, ledger.State);
    }

    [Fact]
    public void Fleet_ShareRemainder_KeepsUnreadSpendWithinThisBiddersShareOfWhatIsLeft()
    {
        var clock = new TestClock(s_midnight.AddHours(23));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xa));
        ledger.CaughtUp();
        var now = clock.Now.ToUnixTimeMilliseconds();

        // Two other bidders have charged: the fleet is three. $0.60 of camp-garden's $700 is left, $0.20 each.
        ledger.ReadBack(new UInt128(0xb, 1), s_garden, 399.40m, now, now);
        ledger.ReadBack(new UInt128(0xc, 1), s_garden, 300m, now, now);
        Assert.Equal(3, ledger.FleetSize);
        Assert.True(ledger.Charge(s_garden, new UInt128(0xa, 1), 0.15m, clock.Now));
        Assert.Equal(BudgetState.Open, ledger.Check(s_garden, clock.Now));
        Assert.True(ledger.Charge(s_garden, new UInt128(0xa, 2), 0.05m, clock.Now));
        Assert.Equal(BudgetState.Exhausted, ledger.Check(s_garden, clock.Now));
        Assert.Equal(699.60m, ledger.SpentToday(s_garden));

        // Once its own charges are read back, a share of the new remainder is open again.
        ledger.ReadBack(new UInt128(0xa, 1), s_garden, 0.15m, now, now);
        ledger.ReadBack(new UInt128(0xa, 2), s_garden, 0.05m, now, now);
        Assert.Equal(BudgetState.Open, ledger.Check(s_garden, clock.Now));

        // Without the rule only the budget itself stops it.
        var plain = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xa, ShareRemainder: false));
        plain.CaughtUp();
        plain.ReadBack(new UInt128(0xb, 1), s_garden, 399.40m, now, now);
        plain.ReadBack(new UInt128(0xc, 1), s_garden, 300m, now, now);
        Assert.True(plain.Charge(s_garden, new UInt128(0xa, 1), 0.50m, clock.Now));
        Assert.Equal(BudgetState.Open, plain.Check(s_garden, clock.Now));
    }

    [Fact]
    public void Fleet_KafkaOutageNearTheBudget_TheFleetSpendsAtMostWhatWasLeft()
    {
        var clock = new TestClock(s_midnight.AddHours(23));
        var now = clock.Now.ToUnixTimeMilliseconds();
        var nonces = new ulong[] { 0xa, 0xb, 0xc };
        var ledgers = nonces.Select(n => new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(n))).ToArray();
        foreach (var ledger in ledgers)
        {
            ledger.CaughtUp();
            foreach (var nonce in nonces)
            {
                // Every bidder has read every other's earlier spend: $699.70 of $700, the same for all.
                ledger.ReadBack(new UInt128(nonce, 0), s_garden, nonce == 0xa ? 699.70m : 0m, now, now);
            }
        }

        // Kafka is down: nothing more is read back. Each bidder charges $0.01 an impression while it may bid.
        var charged = 0m;
        for (var round = 0; round < 100; round++)
        {
            for (var b = 0; b < ledgers.Length; b++)
            {
                if (ledgers[b].Check(s_garden, clock.Now) == BudgetState.Open)
                {
                    Assert.True(ledgers[b].Charge(s_garden, new UInt128(nonces[b], (ulong)round + 1), 0.01m, clock.Now));
                    charged += 0.01m;
                }
            }
        }

        // $0.30 was left: each spent its $0.10 share, not $0.30 each.
        Assert.Equal(0.30m, charged);
    }

    [Fact]
    public void Check_LessThanOneMaxPriceImpressionLeft_IsTight_AndOnlyPricesThatFitMayBid()
    {
        var clock = new TestClock(s_midnight.AddHours(23));
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60);

        // camp-garden: $700 a day at most $6 CPM, $0.006 an impression; $0.005 is left.
        ledger.Charge(s_garden, NextBid(), 699.995m, clock.Now);
        Assert.Equal(BudgetState.Tight, ledger.Check(s_garden, clock.Now));
        Assert.True(ledger.Fits(s_garden, 5m, clock.Now));
        Assert.False(ledger.Fits(s_garden, 5.01m, clock.Now));
        ledger.Charge(s_garden, NextBid(), 0.001m, clock.Now);
        Assert.Equal(BudgetState.Tight, ledger.Check(s_garden, clock.Now));
        Assert.False(ledger.Fits(s_garden, 5m, clock.Now));
        Assert.Equal(BudgetState.Open, ledger.Check(s_running, clock.Now));
    }

    private static UInt128 NextBid() => new(0xfeed, (ulong)Interlocked.Increment(ref s_nextBid));
}
