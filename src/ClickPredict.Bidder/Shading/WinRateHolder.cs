using ClickPredict.Core.Shading;

namespace ClickPredict.Bidder.Shading;

/// <summary>
/// The win-rate model first-price bids are priced under: null until one is loaded (the fixed factor prices
/// them meanwhile). A request reads <see cref="Current"/> once; a swap, after the file was read and checked,
/// is one reference exchange. The previous models are kept for rollback, newest last.
/// </summary>
internal sealed class WinRateHolder
{
    private const int HistoryLimit = 5;

    private readonly Lock _gate = new();
    private readonly List<WinRateModel> _history = [];
    private WinRateModel? _current;
    private long _refusals;
    private string? _lastRefusal;

    public WinRateModel? Current => Volatile.Read(ref _current);

    /// <summary>Model files refused (unreadable, corrupt, not a win-rate model); the old model kept serving.</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Why the last refused file was refused.</summary>
    public string? LastRefusal => Volatile.Read(ref _lastRefusal);

    /// <summary>Puts <paramref name="next"/> in service; returns the model it replaced.</summary>
    public WinRateModel? Swap(WinRateModel next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            var previous = Interlocked.Exchange(ref _current, next);
            if (previous is not null)
            {
                _history.Add(previous);
                if (_history.Count > HistoryLimit)
                {
                    _history.RemoveAt(0);
                }
            }

            return previous;
        }
    }

    /// <summary>Goes back to the previous model; false (nothing changed) when there is none.</summary>
    public bool TryRollback()
    {
        lock (_gate)
        {
            if (_history.Count == 0)
            {
                return false;
            }

            Interlocked.Exchange(ref _current, _history[^1]);
            _history.RemoveAt(_history.Count - 1);
            return true;
        }
    }

    public void RecordRefusal(string reason)
    {
        Volatile.Write(ref _lastRefusal, reason);
        Interlocked.Increment(ref _refusals);
    }
}
