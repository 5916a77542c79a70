using System.Collections.Concurrent;

namespace ClickPredict.Bidder.Campaigns;

/// <summary>
/// What each campaign has spent today (UTC), and whether it may bid now: not once its daily budget is
/// spent, and with even pacing not ahead of the day's clock (plus a configured headroom). Spend is kept
/// in nano-dollars so it can be added and read atomically from any thread; the money arithmetic itself
/// is done in <see cref="decimal"/>.
/// </summary>
/// <remarks>
/// <para><b>Fleet mode</b> (<c>Fleet:Enabled</c>): no bidder's memory is the truth. Today's spend is what
/// the impressions topic says the whole fleet spent, read back by <see cref="Fleet.SpendReader"/> and
/// booked here by <see cref="ReadBack"/> (the first event of each bid id counts; a second is a duplicate),
/// plus what this bidder has charged and not yet read back (<see cref="Charge"/>: pending until its own
/// event comes back). Until today's spend has been read (<see cref="Ready"/>) the bidder does not bid.</para>
/// <para><b>Local mode</b>: each charge is booked here at once and nowhere else; a restart starts at zero.</para>
/// <para><b>The last of a budget is shared out</b> (<c>Fleet:ShareRemainder</c>): what this bidder has charged
/// and not yet read back may not exceed its share of what the fleet has left, (budget - fleet spend read
/// back) / bidders, where the bidders are the distinct bid-id nonces seen charging in the last ten minutes
/// (this one included). Far from the budget the share is large and changes nothing; near it, every bidder
/// spends at most its share before the others' spend reaches it, so the fleet as a whole does not run past
/// the budget by the read-back lag's worth of spend, and through a Kafka outage (nothing read back) the fleet
/// spends at most what was left.</para>
/// <para><b>What it has not seen yet is estimated</b>: the other bidders' spend rate over the last second or
/// so (read back) times this bidder's recent read-back lag counts as spent, so a bidder whose read-back trails
/// the others' does not take the last of a budget as still free (<see cref="UnseenSpend"/>).</para>
/// <para><b>Bids in flight are reserved</b> (<c>Fleet:BidReserveMs</c>): each bid's price counts against its
/// campaign from when it is sent until its notice is charged (here, or read back from another bidder) or
/// the reservation window passes. What is left of the overspend is the other bidders' bids in flight
/// that this one cannot see (the bound is in docs/SCALING.md).</para>
/// </remarks>
internal sealed class BudgetLedger
{
    private const decimal NanosPerDollar = 1_000_000_000m;
    private const long SecondsPerDay = 86_400;
    private const long MsPerDay = SecondsPerDay * 1000;

    /// <summary>A bidder counts in the fleet's size while it has charged within this long.</summary>
    private const long BidderSeenWindowMs = 10 * 60 * 1000;

    private readonly CampaignCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly long[] _bookedNanos;
    private readonly long[] _pendingNanos;
    private readonly long[] _budgetNanos;
    private readonly long[] _maxImpressionNanos;
    private readonly long _headroomSeconds;
    private readonly ConcurrentDictionary<UInt128, PendingCharge> _pending = new();
    private readonly ConcurrentDictionary<UInt128, long> _charged = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<ulong, long> _bidders = [];
    private readonly ulong _ownNonce;
    private readonly BidReservations? _reservations;
    private readonly UnseenSpend _unseen;
    private readonly bool _shareRemainder;
    private int _fleetSize = 1;
    private long _day;
    private int _state;
    private long _readBackCharged;
    private long _readBackDuplicates;

    /// <param name="catalog">The campaigns.</param>
    /// <param name="time">The clock (UTC days and pacing).</param>
    /// <param name="pacingHeadroomMinutes">How far ahead of the day's clock even pacing may run.</param>
    /// <param name="fleet">How spend is shared with the fleet through Kafka; null: this process's own only.</param>
    public BudgetLedger(CampaignCatalog catalog, TimeProvider time, int pacingHeadroomMinutes, FleetBudget? fleet = null)
    {
        _ownNonce = fleet?.OwnNonce ?? 0;
        _shareRemainder = fleet?.ShareRemainder ?? false;
        _unseen = new UnseenSpend(catalog.Campaigns.Length);
        _reservations = fleet is { BidReserveMs: > 0 } ? new BidReservations(catalog.Campaigns.Length, fleet.BidReserveMs) : null;
        _catalog = catalog;
        _time = time;
        _bookedNanos = new long[catalog.Campaigns.Length];
        _pendingNanos = new long[catalog.Campaigns.Length];
        _budgetNanos = new long[catalog.Campaigns.Length];
        _maxImpressionNanos = new long[catalog.Campaigns.Length];
        for (var i = 0; i < _budgetNanos.Length; i++)
        {
            _budgetNanos[i] = ToNanos(catalog.Campaigns[i].DailyBudgetUsd);
            _maxImpressionNanos[i] = ToNanos(catalog.Campaigns[i].MaxCpmUsd / 1000m);
        }

        _headroomSeconds = pacingHeadroomMinutes * 60L;
        _day = DayOf(time.GetUtcNow());
        _state = (int)(fleet is not null ? FleetState.CatchingUp : FleetState.Local);
        if (fleet is null)
        {
            _ready.SetResult();
        }
    }

    public CampaignCatalog Catalog => _catalog;

    /// <summary>Where today's spend comes from, and whether it is known yet.</summary>
    public FleetState State => (FleetState)Volatile.Read(ref _state);

    /// <summary>Whether the bidder may bid: today's spend is known (or, by configuration, this bidder's own will do).</summary>
    public bool Ready => Volatile.Read(ref _state) != (int)FleetState.CatchingUp;

    /// <summary>Completes when <see cref="Ready"/> first becomes true.</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Bid ids remembered as charged fleet-wide (the replay window's worth).</summary>
    public int ChargedTracked => _charged.Count;

    /// <summary>This bidder's charges not yet read back.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Bidders charging in the last ten minutes (distinct bid-id nonces read back, and this one): what the last of a budget is shared by.</summary>
    public int FleetSize => Volatile.Read(ref _fleetSize);

    /// <summary>Impression events read back that booked spend (first of their bid id, today).</summary>
    public long ReadBackCharged => Interlocked.Read(ref _readBackCharged);

    /// <summary>Impression events read back whose bid id was already charged: a notice that reached two bidders.</summary>
    public long ReadBackDuplicates => Interlocked.Read(ref _readBackDuplicates);

    /// <summary>
    /// Whether <paramref name="campaign"/> may bid at <paramref name="now"/>; <see cref="BudgetState.Tight"/> when
    /// it may, but less than one impression at its max CPM is left (then each price must <see cref="Fits"/>).
    /// </summary>
    public BudgetState Check(Campaign campaign, DateTimeOffset now)
    {
        var seconds = now.ToUnixTimeSeconds();
        Roll(seconds / SecondsPerDay);
        var (spent, room) = Room(campaign.Index, now);
        if (room <= 0)
        {
            return BudgetState.Exhausted;
        }

        if (campaign.EvenPacing)
        {
            // Allowed so far: the budget times the share of the day gone, plus the headroom.
            var intoDay = Math.Min(SecondsPerDay, (seconds % SecondsPerDay) + _headroomSeconds);
            var allowed = (long)((Int128)_budgetNanos[campaign.Index] * intoDay / SecondsPerDay);
            if (spent >= allowed)
            {
                return BudgetState.Paced;
            }
        }

        return room < _maxImpressionNanos[campaign.Index] ? BudgetState.Tight : BudgetState.Open;
    }

    /// <summary>Whether a bid of <paramref name="campaign"/> at <paramref name="priceCpmUsd"/> (CPM, US dollars) could be won within what is left.</summary>
    public bool Fits(Campaign campaign, decimal priceCpmUsd, DateTimeOffset now) =>
        Room(campaign.Index, now).Room >= ToNanos(priceCpmUsd / 1000m);

    /// <summary>
    /// What counts as spent (the fleet's read back, what this bidder has likely not read yet, its own unread
    /// charges and bids in flight) and how much more it may spend: what is left of the budget, and with
    /// <c>Fleet:ShareRemainder</c> no more than its share of what the fleet has left less its own unread spend.
    /// </summary>
    private (long Spent, long Room) Room(int campaign, DateTimeOffset now)
    {
        // What the fleet has spent that this bidder has not read yet counts as if read (0 without a fleet).
        var booked = Volatile.Read(ref _bookedNanos[campaign]) + _unseen.Nanos(campaign);
        var unread = Volatile.Read(ref _pendingNanos[campaign]) + (_reservations?.Reserved(campaign, now.ToUnixTimeMilliseconds()) ?? 0);
        var budget = _budgetNanos[campaign];
        var room = budget - booked - unread;
        if (_shareRemainder && room > 0)
        {
            // This bidder's spend the others cannot see yet (charged, or bid and not yet notified) stays within its share of what is left.
            room = Math.Min(room, ((budget - booked) / Volatile.Read(ref _fleetSize)) - unread);
        }

        return (booked + unread, room);
    }

    /// <summary>A bid of <paramref name="campaign"/> at <paramref name="priceCpmUsd"/> was sent: what it could cost is reserved until its notice (fleet mode with <c>Fleet:BidReserveMs</c>).</summary>
    public void Reserve(Campaign campaign, decimal priceCpmUsd, DateTimeOffset now) =>
        _reservations?.Reserve(campaign.Index, ToNanos(priceCpmUsd / 1000m), now.ToUnixTimeMilliseconds());

    /// <summary>
    /// Books the impression of <paramref name="bidId"/>, won at <paramref name="spendUsd"/> (US dollars,
    /// the clearing CPM / 1000), in place of what its bid reserved. In fleet mode it is pending until
    /// <see cref="ReadBack"/> sees its event.
    /// </summary>
    /// <param name="campaign">The bid's campaign.</param>
    /// <param name="bidId">The bid.</param>
    /// <param name="spendUsd">What the impression cost.</param>
    /// <param name="now">When its notice came.</param>
    /// <param name="bidPriceCpmUsd">The bid's own price (as <see cref="Reserve"/> was given it).</param>
    /// <param name="bidUnixMs">When the bid was made.</param>
    /// <returns>False when the fleet has already charged this bid (its event was read back): nothing is booked.</returns>
    public bool Charge(Campaign campaign, UInt128 bidId, decimal spendUsd, DateTimeOffset now, decimal bidPriceCpmUsd = 0, long bidUnixMs = 0)
    {
        var day = DayOf(now);
        Roll(day);
        var nanos = ToNanos(spendUsd);
        if (State == FleetState.Local)
        {
            Interlocked.Add(ref _bookedNanos[campaign.Index], nanos);
            return true;
        }

        if (_charged.ContainsKey(bidId) || !_pending.TryAdd(bidId, new PendingCharge(campaign.Index, nanos, day)))
        {
            return false;
        }

        // Pending first, then released: for a moment it counts twice, never zero times.
        Interlocked.Add(ref _pendingNanos[campaign.Index], nanos);
        if ((ulong)(bidId >> 64) == _ownNonce)
        {
            _reservations?.Release(campaign.Index, ToNanos(bidPriceCpmUsd / 1000m), bidUnixMs);
        }

        return true;
    }

    /// <summary>
    /// An impression event read back from the fleet's topic (any bidder's, this one's too), in partition
    /// order. Called from one thread. The first event of a bid id books its spend in the day of its notice;
    /// a later one is a duplicate. Either way, this bidder's pending charge of that bid is settled.
    /// </summary>
    /// <param name="bidId">The impression's bid id.</param>
    /// <param name="campaign">Its campaign, or null when this bidder does not know it (nothing to book).</param>
    /// <param name="spendUsd">What it cost, US dollars.</param>
    /// <param name="noticeUnixMs">When its notice was accepted: the day it counts in.</param>
    /// <param name="bidUnixMs">When the bid was made: its id is remembered while a notice could still come.</param>
    /// <param name="bidPriceCpmUsd">The bid's own price: when the bid was this bidder's and another took its notice, its reservation is released.</param>
    public ReadBackOutcome ReadBack(UInt128 bidId, Campaign? campaign, decimal spendUsd, long noticeUnixMs, long bidUnixMs, decimal bidPriceCpmUsd = 0)
    {
        var today = DayOf(_time.GetUtcNow());
        Roll(today);
        SeenBidder((ulong)(bidId >> 64), noticeUnixMs);
        ReadBackOutcome outcome;
        if (!_charged.TryAdd(bidId, bidUnixMs))
        {
            Interlocked.Increment(ref _readBackDuplicates);
            outcome = ReadBackOutcome.Duplicate;
        }
        else if (noticeUnixMs / MsPerDay != Volatile.Read(ref _day))
        {
            // Read for replay protection only: its spend belongs to another day.
            outcome = ReadBackOutcome.OtherDay;
        }
        else if (campaign is null)
        {
            outcome = ReadBackOutcome.UnknownCampaign;
        }
        else
        {
            // Booked before the pending charge is settled: for a moment it counts twice, never zero times.
            Interlocked.Add(ref _bookedNanos[campaign.Index], ToNanos(spendUsd));
            Interlocked.Increment(ref _readBackCharged);
            outcome = ReadBackOutcome.Charged;
        }

        if (_pending.TryRemove(bidId, out var pending))
        {
            if (pending.Day == Volatile.Read(ref _day))
            {
                Interlocked.Add(ref _pendingNanos[pending.Campaign], -pending.Nanos);
            }
        }
        else if (outcome == ReadBackOutcome.Charged && campaign is not null)
        {
            // Charged by another bidder: part of the spend this one learns of late.
            _unseen.Charged(campaign.Index, ToNanos(spendUsd), MonotonicMs());
            if ((ulong)(bidId >> 64) == _ownNonce)
            {
                // Our bid, its notice taken by another bidder: the charge read back takes the reservation's place.
                _reservations?.Release(campaign.Index, ToNanos(bidPriceCpmUsd / 1000m), bidUnixMs);
            }
        }

        return outcome;
    }

    /// <summary>The read-back's recent lag, milliseconds: with the fleet's spend rate, what this bidder has likely not seen.</summary>
    public double ReadBackLagMs => _unseen.LagMs;

    /// <summary>An event read back live, <paramref name="lagMs"/> after its notice. Called from the read-back's thread.</summary>
    public void ReadBackLag(long lagMs) => _unseen.Lag(lagMs);

    /// <summary>Time passes on the read-back's thread (events or not): the fleet's recent spend rates decay.</summary>
    public void Tick() => _unseen.Decay(MonotonicMs());

    /// <summary>Today's spend has been read back to where the topic stood at start: bidding may begin.</summary>
    public void CaughtUp()
    {
        Interlocked.CompareExchange(ref _state, (int)FleetState.Live, (int)FleetState.CatchingUp);
        _ready.TrySetResult();
    }

    /// <summary>Kafka cannot be reached and configuration allows bidding on this bidder's own spend meanwhile.</summary>
    public void StartDegraded()
    {
        Interlocked.CompareExchange(ref _state, (int)FleetState.Degraded, (int)FleetState.CatchingUp);
        _ready.TrySetResult();
    }

    /// <summary>A degraded bidder has now read today's spend back: it is live.</summary>
    public void Recovered() => Interlocked.CompareExchange(ref _state, (int)FleetState.Live, (int)FleetState.Degraded);

    /// <summary>
    /// Forgets charged bid ids older than <paramref name="maxAgeMs"/> (no notice for them can be accepted any
    /// more), pending charges of earlier days (their events never came back: dropped by the producer) and
    /// bidders that have charged nothing for ten minutes. Called from the read-back's thread.
    /// </summary>
    /// <returns>Pending charges of earlier days forgotten.</returns>
    public int Prune(long maxAgeMs)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (id, bidMs) in _charged)
        {
            if (now - bidMs > maxAgeMs)
            {
                _charged.TryRemove(new KeyValuePair<UInt128, long>(id, bidMs));
            }
        }

        foreach (var (nonce, seenMs) in _bidders)
        {
            if (now - seenMs > BidderSeenWindowMs)
            {
                _bidders.Remove(nonce);
            }
        }

        CountBidders();
        var lost = 0;
        var day = Volatile.Read(ref _day);
        foreach (var (id, pending) in _pending)
        {
            if (pending.Day < day && _pending.TryRemove(new KeyValuePair<UInt128, PendingCharge>(id, pending)))
            {
                lost++;
            }
        }

        return lost;
    }

    /// <summary>Spent today by <paramref name="campaign"/>, US dollars: the fleet's booked spend plus this bidder's pending charges.</summary>
    public decimal SpentToday(Campaign campaign)
    {
        Roll(DayOf(_time.GetUtcNow()));
        return Spent(campaign.Index) / NanosPerDollar;
    }

    /// <summary>This bidder's charges of today not yet read back, US dollars.</summary>
    public decimal PendingToday(Campaign campaign)
    {
        Roll(DayOf(_time.GetUtcNow()));
        return Volatile.Read(ref _pendingNanos[campaign.Index]) / NanosPerDollar;
    }

    /// <summary>A bidder (by its bid ids' nonce) charged at <paramref name="unixMs"/>. Called from the read-back's thread.</summary>
    private void SeenBidder(ulong nonce, long unixMs)
    {
        var known = _bidders.TryGetValue(nonce, out var seen);
        _bidders[nonce] = Math.Max(seen, unixMs);
        if (!known)
        {
            CountBidders();
        }
    }

    private void CountBidders() => Volatile.Write(ref _fleetSize, Math.Max(1, _bidders.Count + (_bidders.ContainsKey(_ownNonce) ? 0 : 1)));

    /// <summary>Milliseconds on the monotonic clock (rates decay with time that passes, whatever the wall clock does).</summary>
    private long MonotonicMs() => (long)(_time.GetTimestamp() * 1000.0 / _time.TimestampFrequency);

    private long Spent(int campaign) => Volatile.Read(ref _bookedNanos[campaign]) + Volatile.Read(ref _pendingNanos[campaign]);

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

        for (var i = 0; i < _bookedNanos.Length; i++)
        {
            Volatile.Write(ref _bookedNanos[i], 0);
            Volatile.Write(ref _pendingNanos[i], 0);
        }
    }

    private readonly record struct PendingCharge(int Campaign, long Nanos, long Day);
}

/// <summary>How a bidder shares spend with its fleet.</summary>
/// <param name="OwnNonce">The nonce of this bidder's bid ids (<see cref="Bidding.BidIds"/>): it counts as a bidder from the start.</param>
/// <param name="ShareRemainder">Whether the last of a budget is shared out among the bidders (<c>Fleet:ShareRemainder</c>).</param>
/// <param name="BidReserveMs">How long a bid's price stays reserved without its notice (<c>Fleet:BidReserveMs</c>); 0: bids are not reserved.</param>
internal sealed record FleetBudget(ulong OwnNonce, bool ShareRemainder = true, int BidReserveMs = 0);

/// <summary>Whether a campaign may bid now.</summary>
internal enum BudgetState
{
    Open,

    /// <summary>Even pacing: the campaign is ahead of the day's clock.</summary>
    Paced,

    /// <summary>Today's budget is spent.</summary>
    Exhausted,

    /// <summary>It may bid, but less than one impression at its max CPM is left: a bid's price must fit what is left.</summary>
    Tight,
}

/// <summary>Where a bidder's view of today's spend comes from (the <c>clickpredict.bidder.fleet.state</c> gauge's values).</summary>
internal enum FleetState
{
    /// <summary><c>Fleet:Enabled</c> is false: this process's own charges only.</summary>
    Local = 0,

    /// <summary>Reading today's spend back from the impressions topic; no bids until done.</summary>
    CatchingUp = 1,

    /// <summary>Today's spend is read; new impressions are read as they come.</summary>
    Live = 2,

    /// <summary>Kafka could not be reached at start and <c>Fleet:StartWithoutKafka</c> allowed bidding on this bidder's own spend.</summary>
    Degraded = 3,
}

/// <summary>What became of one impression event read back.</summary>
internal enum ReadBackOutcome
{
    /// <summary>The first of its bid id, today: its spend is booked.</summary>
    Charged,

    /// <summary>Its bid id was already charged: not booked again.</summary>
    Duplicate,

    /// <summary>Its notice was on another UTC day: remembered for replay protection, not booked today.</summary>
    OtherDay,

    /// <summary>Its campaign is not in this bidder's catalog.</summary>
    UnknownCampaign,
}
