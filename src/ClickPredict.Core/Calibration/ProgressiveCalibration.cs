using ClickPredict.Core.Features;
using ClickPredict.Core.Metrics;

namespace ClickPredict.Core.Calibration;

/// <summary>
/// The offline twin of live calibration, for <c>clickpredict evaluate</c> and <c>backtest</c> with
/// <c>--online-calibration</c>: rows in file order, each scored by a fixed model, calibrated by a
/// <see cref="LiveCalibration"/> (the object the trainer runs) before its label updates the calibration.
/// Alongside, two constants scored the same way: the training data's CTR, and a running CTR,
/// <c>(clicks so far + 1) / (rows so far + 1 / trainCtr)</c> (one pseudo-click at the training CTR to
/// start from). Not thread-safe.
/// </summary>
public sealed class ProgressiveCalibration
{
    private readonly LiveCalibration _calibration;
    private readonly int _windowRows;
    private readonly List<double> _model = [];
    private readonly List<double> _calibrated = [];
    private readonly List<double> _running = [];
    private readonly List<bool> _labels = [];
    private readonly List<CalibrationWindow> _windows = [];
    private readonly double _priorRows;
    private long _clicks;
    private long _windowClicks;
    private double _windowModel;
    private double _windowCalibrated;
    private double _windowRunning;
    private int _windowCount;

    /// <param name="schema">The model's schema.</param>
    /// <param name="options">How the calibration learns.</param>
    /// <param name="trainCtr">The CTR of the data the model was trained on (the first constant).</param>
    /// <param name="windowRows">Rows per calibration-over-time window.</param>
    public ProgressiveCalibration(FieldSchema schema, LiveCalibrationOptions options, double trainCtr, int windowRows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowRows, 1);
        if (!(trainCtr is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(trainCtr), trainCtr, "the training CTR must be in (0, 1)");
        }

        _calibration = new LiveCalibration(schema, options);
        _windowRows = windowRows;
        TrainCtr = trainCtr;
        _priorRows = 1 / trainCtr;
    }

    public double TrainCtr { get; }

    public LiveCalibration Calibration => _calibration;

    public long Rows => _labels.Count;

    /// <summary>One row the model scored <paramref name="p"/>: returns the calibrated pCTR it got before its label was learned.</summary>
    public double Add(double p, FieldValues values, bool clicked, long timeUnixMs)
    {
        var running = (_clicks + 1) / (_labels.Count + _priorRows);
        var q = _calibration.Observe(p, values, clicked, timeUnixMs);
        _model.Add(p);
        _calibrated.Add(q);
        _running.Add(running);
        _labels.Add(clicked);
        _clicks += clicked ? 1 : 0;
        _windowClicks += clicked ? 1 : 0;
        _windowModel += p;
        _windowCalibrated += q;
        _windowRunning += running;
        if (++_windowCount == _windowRows)
        {
            CloseWindow();
        }

        return q;
    }

    public ProgressiveCalibrationResult Result(int reliabilityBins = 10)
    {
        if (_labels.Count == 0)
        {
            throw new InvalidOperationException("no rows were added");
        }

        if (_windowCount > 0)
        {
            CloseWindow();
        }

        var labels = _labels.ToArray();
        var constant = new double[labels.Length];
        Array.Fill(constant, TrainCtr);
        double[] model = [.. _model], calibrated = [.. _calibrated], running = [.. _running];
        var bootstrap = new PairedBootstrap();
        return new ProgressiveCalibrationResult
        {
            Model = BinaryMetrics.Evaluate(model, labels, reliabilityBins),
            Calibrated = BinaryMetrics.Evaluate(calibrated, labels, reliabilityBins),
            TrainConstant = BinaryMetrics.Evaluate(constant, labels, reliabilityBins),
            RunningConstant = BinaryMetrics.Evaluate(running, labels, reliabilityBins),
            VsModel = bootstrap.Compare(model, calibrated, labels),
            VsRunning = bootstrap.Compare(running, calibrated, labels),
            TrainCtr = TrainCtr,
            HalfLife = _calibration.HalfLifeText,
            Windows = [.. _windows],
            Final = _calibration.Snapshot(DateTimeOffset.UnixEpoch),
        };
    }

    private void CloseWindow()
    {
        _windows.Add(new CalibrationWindow
        {
            From = _labels.Count - _windowCount,
            Rows = _windowCount,
            Clicks = _windowClicks,
            MeanModel = _windowModel / _windowCount,
            MeanCalibrated = _windowCalibrated / _windowCount,
            MeanRunning = _windowRunning / _windowCount,
        });
        _windowCount = 0;
        _windowClicks = 0;
        _windowModel = _windowCalibrated = _windowRunning = 0;
    }
}
