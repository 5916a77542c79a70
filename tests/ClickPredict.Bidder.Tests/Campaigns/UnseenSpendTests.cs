using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Campaigns;

public sealed class UnseenSpendTests
{
    [Fact]
    public void Nanos_IsTheRecentSpendRateTimesTheLag_AndDecaysWhenSpendingStops()
    {
        var unseen = new UnseenSpend(campaigns: 1);
        for (var i = 0; i < 200; i++)
        {
            unseen.Lag(100);
        }

        Assert.InRange(unseen.LagMs, 99.99, 100);

        // $1 a second for five seconds: 1,000,000 nano-dollars every millisecond... read back every 10 ms.
        for (long t = 0; t <= 5_000; t += 10)
        {
            unseen.Charged(0, 10_000_000, t);
        }

        // The rate settles near 10^6 nano-dollars a millisecond: 100 ms of it is about $0.10 not yet seen.
        Assert.InRange(unseen.Nanos(0), 95_000_000, 106_000_000);

        // Spending stops: after five time constants almost nothing is thought unseen.
        unseen.Decay(10_000);
        Assert.InRange(unseen.Nanos(0), 0, 1_000_000);
    }

    [Fact]
    public void Ledger_ABidderWhoseReadBackTrails_StopsBeforeTheBudgetItCannotSeeSpent()
    {
        // Wall time and the monotonic clock both move only when the test moves them: the rate decays as they do.
        var clock = new ManualClock(new DateTimeOffset(2026, 6, 1, 23, 0, 0, TimeSpan.Zero));
        var garden = ExpectedBids.ShippedCatalog.Campaigns.Single(c => c.Id == "camp-garden");
        var ledger = new BudgetLedger(ExpectedBids.ShippedCatalog, clock, 60, new FleetBudget(OwnNonce: 0xa));
        ledger.CaughtUp();
        for (var i = 0; i < 100; i++)
        {
            ledger.ReadBackLag(200);
        }

        // The other bidders spend $0.50 a second on camp-garden; this one reads it 200 ms late: about $0.10 it cannot see.
        ulong bid = 0;
        for (var ms = 0; ms < 3_000; ms += 20)
        {
            clock.Now = new DateTimeOffset(2026, 6, 1, 23, 0, 0, TimeSpan.Zero).AddMilliseconds(ms);
            var at = clock.Now.ToUnixTimeMilliseconds();
            ledger.ReadBack(new UInt128(0xb, ++bid), garden, 0.01m, at, at);
            ledger.Tick();
        }

        var now = clock.Now.ToUnixTimeMilliseconds();
        ledger.ReadBack(new UInt128(0xb, ++bid), garden, 700m - 1.5m - 0.05m, now, now);
        Assert.Equal(699.95m, ledger.SpentToday(garden));
        Assert.Equal(BudgetState.Exhausted, ledger.Check(garden, clock.Now));

        // Once the spending has stopped long enough, what is left is open again.
        clock.Advance(TimeSpan.FromSeconds(10));
        ledger.Tick();
        Assert.Equal(BudgetState.Open, ledger.Check(garden, clock.Now));
    }

    /// <summary>A clock whose wall time and timestamps move together, only when the test sets them.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override DateTimeOffset GetUtcNow() => Now;

        public override long GetTimestamp() => Now.UtcTicks;

        public void Advance(TimeSpan by) => Now += by;
    }
}
