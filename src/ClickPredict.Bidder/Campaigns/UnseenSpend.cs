namespace ClickPredict.Bidder.Campaigns;

/// <summary>
/// An estimate of what the other bidders have spent that this bidder has not read back yet, per campaign:
/// their recent spend rate (an exponentially decayed sum of their charges read back, time constant
/// <see cref="TimeConstantMs"/> on the monotonic clock) times this bidder's recent read-back lag (an
/// exponential average of the lag of the events it reads, each sample at most <see cref="MaxLagSampleMs"/>).
/// Written by the read-back's thread; read without locks by the bid path.
/// </summary>
/// <remarks>
/// Near the end of a budget, bidders whose read-back trails see more budget left than there is; taking
/// this estimate off what is left keeps a trailing bidder from spending the difference.
/// </remarks>
internal sealed class UnseenSpend
{
    /// <summary>The spend rate follows the last second or so.</summary>
    public const long TimeConstantMs = 1_000;

    /// <summary>
    /// A lag sample above this is a backlog being read (after an outage or a pause), not the lag a bidder that
    /// keeps up has: counted as this much, so reading a backlog does not make the estimate of a second's spend
    /// into a minute's.
    /// </summary>
    public const long MaxLagSampleMs = 500;

    /// <summary>Weight of each new lag sample in the average.</summary>
    private const double LagWeight = 0.05;

    private readonly double[] _decayedNanos;
    private readonly long[] _unseenNanos;
    private long _lastMs = long.MinValue;
    private double _lagMs;

    public UnseenSpend(int campaigns)
    {
        _decayedNanos = new double[campaigns];
        _unseenNanos = new long[campaigns];
    }

    /// <summary>The read-back lag this bidder has had lately, milliseconds.</summary>
    public double LagMs => Volatile.Read(ref _lagMs);

    /// <summary>What <paramref name="campaign"/> has likely spent that this bidder has not read yet, nano-dollars.</summary>
    public long Nanos(int campaign) => Volatile.Read(ref _unseenNanos[campaign]);

    /// <summary>An event read back live, <paramref name="lagMs"/> after its notice was accepted.</summary>
    public void Lag(long lagMs) => Volatile.Write(ref _lagMs, (_lagMs * (1 - LagWeight)) + (Math.Clamp(lagMs, 0, MaxLagSampleMs) * LagWeight));

    /// <summary>Another bidder's charge of <paramref name="nanos"/> read back at <paramref name="nowMs"/> (monotonic milliseconds).</summary>
    public void Charged(int campaign, long nanos, long nowMs)
    {
        Decay(nowMs);
        _decayedNanos[campaign] += nanos;
        Publish(campaign);
    }

    /// <summary>Lets the rates decay to <paramref name="nowMs"/> (monotonic milliseconds; called as time passes, events or not).</summary>
    public void Decay(long nowMs)
    {
        if (_lastMs == long.MinValue)
        {
            _lastMs = nowMs;
            return;
        }

        if (nowMs <= _lastMs)
        {
            return;
        }

        var factor = Math.Exp(-(nowMs - _lastMs) / (double)TimeConstantMs);
        _lastMs = nowMs;
        for (var i = 0; i < _decayedNanos.Length; i++)
        {
            _decayedNanos[i] *= factor;
            Publish(i);
        }
    }

    /// <summary>Rate (decayed sum / time constant, nano-dollars a millisecond) times the lag.</summary>
    private void Publish(int campaign) =>
        Volatile.Write(ref _unseenNanos[campaign], (long)(_decayedNanos[campaign] / TimeConstantMs * Volatile.Read(ref _lagMs)));
}
