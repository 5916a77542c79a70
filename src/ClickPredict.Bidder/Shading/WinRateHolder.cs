using ClickPredict.Core.Shading;

namespace ClickPredict.Bidder.Shading;

/// <summary>
/// The win-rate model first-price bids are priced under: null until one is loaded (the fixed factor prices
/// them meanwhile). A request reads <see cref="Current"/> once; a swap, after the file was read and checked,
/// is one reference exchange.
/// </summary>
internal sealed class WinRateHolder
{
    private WinRateModel? _current;
    private long _refusals;
    private string? _lastRefusal;

    public WinRateModel? Current => Volatile.Read(ref _current);

    /// <summary>Model files refused (unreadable, corrupt, not a win-rate model); the old model kept serving.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Why the last refused file was refused.</summary>
    public string? LastRefusal => Volatile.Read(ref _lastRefusal);

    /// <summary>
    /// Puts <paramref name="next"/> in service; returns the model it replaced. (A rollback is the registry's:
    /// <c>ModelRegistry.SetChampion</c>, which <see cref="WinRateWatcher"/> follows.)
    /// </summary>
    public WinRateModel? Swap(WinRateModel next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }

    public void RecordRefusal(string reason)
    {
        Volatile.Write(ref _lastRefusal, reason);
        Interlocked.Increment(ref _refusals);
    }
}
