namespace ClickPredict.Core.Training;

/// <summary>
/// The champion's live log loss and the learner's progressive log loss on the same recent examples,
/// over a sliding window: a paired comparison, so a change in the base click rate that hits both does
/// not read as the champion degrading. Not thread-safe.
/// </summary>
public sealed class LiveLossWindow
{
    private readonly double[] _champion;
    private readonly double[] _learner;
    private double _championSum;
    private double _learnerSum;
    private int _next;

    public LiveLossWindow(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _champion = new double[window];
        _learner = new double[window];
    }

    public int Window => _champion.Length;

    /// <summary>Examples in the window.</summary>
    public int Count { get; private set; }

    /// <summary>Mean champion log loss over the window; NaN when empty.</summary>
    public double ChampionLogLoss => Count > 0 ? _championSum / Count : double.NaN;

    /// <summary>Mean learner (progressive) log loss over the window; NaN when empty.</summary>
    public double LearnerLogLoss => Count > 0 ? _learnerSum / Count : double.NaN;

    /// <summary>Champion's loss over the learner's, minus 1: how far the champion fell behind (NaN below <paramref name="minCount"/> examples).</summary>
    public double Degradation(int minCount) =>
        Count >= minCount && _learnerSum > 0 ? (_championSum / _learnerSum) - 1 : double.NaN;

    /// <summary>Adds the two losses of one example.</summary>
    public void Add(double championLoss, double learnerLoss)
    {
        if (Count == Window)
        {
            _championSum -= _champion[_next];
            _learnerSum -= _learner[_next];
        }
        else
        {
            Count++;
        }

        _champion[_next] = championLoss;
        _learner[_next] = learnerLoss;
        _championSum += championLoss;
        _learnerSum += learnerLoss;
        if (++_next == Window)
        {
            _next = 0;
            Resum();
        }
    }

    /// <summary>Empties the window (the champion changed).</summary>
    public void Reset()
    {
        Count = 0;
        _next = 0;
        _championSum = 0;
        _learnerSum = 0;
    }

    // Running sums drift by rounding; recomputing them once per lap bounds that at no real cost.
    private void Resum()
    {
        double champion = 0, learner = 0;
        for (var i = 0; i < Count; i++)
        {
            champion += _champion[i];
            learner += _learner[i];
        }

        _championSum = champion;
        _learnerSum = learner;
    }
}
