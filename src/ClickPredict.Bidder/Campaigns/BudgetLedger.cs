namespace ClickPredict.Bidder.Campaigns;

/// <summary>
/// What each campaign has spent today (UTC), charged from win notices at the clearing price, and
/// whether it may bid now: not once its daily budget is spent, and with even pacing not ahead of
/// the day's clock (plus a configured headroom). Spend is kept in nano-dollars so it can be added
/// and read atomically from any thread; the money arithmetic itself is done in <see cref="decimal"/>.
/// </summary>
/// <remarks>
/// Bids in flight are not reserved: a campaign can overshoot by what its outstanding bids win
/// before their notices arrive (a few CPMs' worth at typical notice delays).
/// </remarks>
internal sealed class BudgetLedger
{
    private const decimal NanosPerDollar = 1_000_000_000m;
    private const long SecondsPerDay = 86_400;

    private readonly CampaignCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly long[] _spentNanos;
    private readonly long[] _budgetNanos;
    private readonly long _headroomSeconds;
    private long _day;

    public BudgetLedger(CampaignCatalog catalog, TimeProvider time, int pacingHeadroomMinutes)
    {
        _catalog = catalog;
        _time = time;
        _spentNanos = new long[catalog.Campaigns.Length];
        _budgetNanos = new long[catalog.Campaigns.Length];
        for (var i = 0; i < _budgetNanos.Length; i++)
        {
            _budgetNanos[i] = ToNanos(catalog.Campaigns[i].DailyBudgetUsd);
        }

        _headroomSeconds = pacingHeadroomMinutes * 60L;
        _day = DayOf(time.GetUtcNow());
    }

    /// <summary>Whether <paramref name="campaign"/> may bid at <paramref name="now"/>.</summary>
    public BudgetState Check(Campaign campaign, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        Roll(seconds / SecondsPerDay);
        var spent = Volatile.Read(ref _spentNanos[campaign.Index]);
        var budget = _budgetNanos[campaign.Index];
        if (spent >= budget)
        {
            return BudgetState.Exhausted;
        }

        if (campaign.EvenPacing)
        {
            // Allowed so far: the budget times the share of the day gone, plus the headroom.
            var intoDay = Math.Min(SecondsPerDay, (seconds % SecondsPerDay) + _headroomSeconds);
            var allowed = (long)((Int128)budget * intoDay / SecondsPerDay);
            if (spent >= allowed)
            {
                return BudgetState.Paced;
            }
        }

        return BudgetState.Open;
    }

    /// <summary>Books an impression won at <paramref name="clearingCpmUsd"/> (CPM, US dollars).</summary>
    public void Charge(Campaign campaign, decimal clearingCpmUsd, DateTimeOffset now)
    {
        Roll(DayOf(now));
        Interlocked.Add(ref _spentNanos[campaign.Index], ToNanos(clearingCpmUsd / 1000m));
    }

    /// <summary>Spent today by <paramref name="campaign"/>, US dollars.</summary>
    public decimal SpentToday(Campaign campaign)
    {
        Roll(DayOf(_time.GetUtcNow()));
        return Volatile.Read(ref _spentNanos[campaign.Index]) / NanosPerDollar;
    }

    public CampaignCatalog Catalog => _catalog;

    private static long DayOf(DateTimeOffset time) => time.ToUnixTimeSeconds() / SecondsPerDay;

    private static long ToNanos(decimal usd) => (long)decimal.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero);

    /// <summary>At the first call of a new UTC day every campaign starts from zero.</summary>
    private void Roll(long day)
    {
        var current = Volatile.Read(ref _day);
        if (day <= current || Interlocked.CompareExchange(ref _day, day, current) != current)
        {
            return;
        }

        for (var i = 0; i < _spentNanos.Length; i++)
        {
            Volatile.Write(ref _spentNanos[i], 0);
        }
    }
}

/// <summary>Whether a campaign may bid now.</summary>
internal enum BudgetState
{
    Open,

    /// <summary>Even pacing: the campaign is ahead of the day's clock.</summary>
    Paced,

    /// <summary>Today's budget is spent.</summary>
    Exhausted,
}
