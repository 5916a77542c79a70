using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;

namespace ClickPredict.Bidder.Models;

/// <summary>
/// The calibration the served model's pCTRs are shifted with (see <see cref="CalibrationLoader"/>). A swap is one
/// reference exchange, without touching the model; a calibration applies only to the model it was learned
/// for, so after a model swap the new model serves as it is until its own calibration arrives.
/// </summary>
internal sealed class CalibrationHolder
{
    private ServingCalibration? _current;
    private long _refusals;
    private ModelHolder.Refusal? _lastRefusal;
    private long _swaps;

    /// <summary>The calibration in service (for whichever model it names), or null before one is loaded.</summary>
    public ServingCalibration? Current => Volatile.Read(ref _current);

    public long Refusals => Interlocked.Read(ref _refusals);

    public long Swaps => Interlocked.Read(ref _swaps);

    public ModelHolder.Refusal? LastRefusal => Volatile.Read(ref _lastRefusal);

    /// <summary>The calibration of <paramref name="model"/>, or null when none serves for it.</summary>
    public ServingCalibration? For(ServingModel? model)
    {
        var current = Current;
        return current is not null && model is not null && string.Equals(current.Model, model.Label, StringComparison.Ordinal) ? current : null;
    }

    /// <summary>
    /// Shifts the pCTRs one imp's candidates got from <paramref name="model"/> by the calibration serving for it
    /// (global, plus the segments of the request's fields in <paramref name="requestValues"/>). Allocation-free;
    /// with no calibration the pCTRs are left exactly as they are.
    /// </summary>
    public void Apply(ServingModel model, FieldValues requestValues, Span<double> pctrs)
    {
        if (For(model) is not { } serving)
        {
            return;
        }

        var shift = serving.Calibration.Shift(requestValues);
        for (var i = 0; i < pctrs.Length; i++)
        {
            pctrs[i] = CalibrationShift.Apply(pctrs[i], shift);
        }
    }

    public void Swap(ServingCalibration next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Volatile.Write(ref _current, next);
        Interlocked.Increment(ref _swaps);
    }

    public void RecordRefusal(string label, string path, string reason, DateTimeOffset atUtc)
    {
        Volatile.Write(ref _lastRefusal, new ModelHolder.Refusal(label, path, reason, atUtc));
        Interlocked.Increment(ref _refusals);
    }
}
