namespace ClickPredict.Bidder.Campaigns;

/// <summary>
/// What this bidder's bids in flight could still cost, per campaign: each bid's price is reserved when it
/// is sent and released when its notice comes (the charge takes its place) or when the reservation window
/// has passed (a lost bid, whose loss the exchange did not tell). Kept in a ring of time slots of fixed
/// arrays, so reserving, releasing and summing allocate nothing and take no lock.
/// </summary>
/// <remarks>
/// A slot is reused once the window has passed it. A reservation made into a slot in the instant it is
/// being reused can be lost, and a release can then find less than it took; sums are clamped at zero. Both
/// err by one bid's price for one window, on a path that only tightens the budget.
/// </remarks>
internal sealed class BidReservations
{
    private const int Slots = 8;

    private readonly int _campaigns;
    private readonly long _slotMs;
    private readonly long[] _epochs = new long[Slots];
    private readonly long[] _nanos;

    /// <param name="campaigns">Campaigns in the catalog.</param>
    /// <param name="windowMs">How long a bid stays reserved without its notice.</param>
    public BidReservations(int campaigns, int windowMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowMs);
        _campaigns = campaigns;
        _slotMs = Math.Max(1, windowMs / Slots);
        _nanos = new long[Slots * campaigns];
        Array.Fill(_epochs, -1);
    }

    /// <summary>Reserves <paramref name="nanos"/> for a bid of <paramref name="campaign"/> sent at <paramref name="nowMs"/>.</summary>
    public void Reserve(int campaign, long nanos, long nowMs)
    {
        var epoch = nowMs / _slotMs;
        var slot = (int)(epoch % Slots);
        var seen = Volatile.Read(ref _epochs[slot]);
        if (seen < epoch && Interlocked.CompareExchange(ref _epochs[slot], epoch, seen) == seen)
        {
            // This thread moved the slot to a new time: what it held has expired.
            Array.Clear(_nanos, slot * _campaigns, _campaigns);
        }
        else if (Volatile.Read(ref _epochs[slot]) != epoch)
        {
            // A clock read older than the slot's time (another thread's newer reading won): not reserved.
            return;
        }

        Interlocked.Add(ref _nanos[(slot * _campaigns) + campaign], nanos);
    }

    /// <summary>Releases the reservation of a bid made at <paramref name="bidMs"/>, if its slot still holds it.</summary>
    public void Release(int campaign, long nanos, long bidMs)
    {
        var epoch = bidMs / _slotMs;
        var slot = (int)(epoch % Slots);
        if (Volatile.Read(ref _epochs[slot]) == epoch)
        {
            Interlocked.Add(ref _nanos[(slot * _campaigns) + campaign], -nanos);
        }
    }

    /// <summary>What <paramref name="campaign"/>'s bids made within the window before <paramref name="nowMs"/> hold reserved.</summary>
    public long Reserved(int campaign, long nowMs)
    {
        var oldest = (nowMs / _slotMs) - Slots + 1;
        long sum = 0;
        for (var slot = 0; slot < Slots; slot++)
        {
            if (Volatile.Read(ref _epochs[slot]) >= oldest)
            {
                sum += Math.Max(0, Volatile.Read(ref _nanos[(slot * _campaigns) + campaign]));
            }
        }

        return sum;
    }
}
