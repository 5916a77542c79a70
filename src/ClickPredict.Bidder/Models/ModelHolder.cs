namespace ClickPredict.Bidder.Models;

/// <summary>
/// The model requests are scored with. A request reads <see cref="Current"/> once and uses that one
/// model throughout; a swap (after validation) is one <see cref="Interlocked.Exchange{T}(ref T, T)"/>,
/// so a request never sees a mix. Previous models are kept, newest last, for rollback.
/// </summary>
internal sealed class ModelHolder
{
    private readonly object _gate = new();
    private readonly List<ServingModel> _history = [];
    private readonly int _historyLimit;
    private ServingModel? _current;
    private long _refusals;
    private Refusal? _lastRefusal;

    public ModelHolder(int historyLimit) => _historyLimit = historyLimit;

    /// <summary>The live calibration of the model in service, swapped on its own (see <see cref="CalibrationLoader"/>).</summary>
    public CalibrationHolder Calibrations { get; } = new();

    /// <summary>The model in service, or null before one is loaded.</summary>
    public ServingModel? Current => Volatile.Read(ref _current);

    public long Refusals => Interlocked.Read(ref _refusals);

    public Refusal? LastRefusal => Volatile.Read(ref _lastRefusal);

    /// <summary>Previous models, newest first.</summary>
    public IReadOnlyList<ServingModel> History
    {
        get
        {
            lock (_gate)
            {
                var copy = new List<ServingModel>(_history);
                copy.Reverse();
                return copy;
            }
        }
    }

    /// <summary>Puts <paramref name="next"/> in service; returns the model it replaced.</summary>
    public ServingModel? Swap(ServingModel next)
    {
        ArgumentNullException.ThrowIfNull(next);
        lock (_gate)
        {
            var previous = Interlocked.Exchange(ref _current, next);
            if (previous is not null)
            {
                _history.Add(previous);
                if (_history.Count > _historyLimit)
                {
                    _history.RemoveAt(0);
                }
            }

            return previous;
        }
    }

    /// <summary>Goes back to the previous model; false (nothing changed) when there is none.</summary>
    public bool TryRollback(out ServingModel? from, out ServingModel? to)
    {
        lock (_gate)
        {
            from = Current;
            if (_history.Count == 0)
            {
                to = null;
                return false;
            }

            to = _history[^1];
            _history.RemoveAt(_history.Count - 1);
            Interlocked.Exchange(ref _current, to);
            return true;
        }
    }

    public void RecordRefusal(string label, string path, string reason, DateTimeOffset atUtc)
    {
        // The detail first: whoever sees the count go up must find the refusal it counts.
        Volatile.Write(ref _lastRefusal, new Refusal(label, path, reason, atUtc));
        Interlocked.Increment(ref _refusals);
    }

    /// <summary>Why the last refused model was refused.</summary>
    public sealed record Refusal(string Label, string Path, string Reason, DateTimeOffset AtUtc);
}
