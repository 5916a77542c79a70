namespace ClickPredict.Core.Shading;

/// <summary>
/// A published win-rate model: P(win | bid, context) per exchange, as a log-logistic curve whose location
/// and spread are linear in hashed context features (<see cref="ShadingContext"/>). Immutable: the bidder
/// reads the current model once per request and a swap replaces the reference. Reading a curve allocates
/// nothing. Written and read by <see cref="WinRateModelFile"/>; made by <see cref="WinRateLearner.ToModel"/>.
/// </summary>
public sealed class WinRateModel : IWinRateSource
{
    private readonly WinRateExchange[] _exchanges;

    internal WinRateModel(WinRateModelInfo info, WinRateWeights weights, IEnumerable<WinRateExchange> exchanges)
    {
        Info = info;
        Weights = weights;
        _exchanges = [.. exchanges.OrderBy(e => e.Name, StringComparer.Ordinal)];
    }

    public WinRateModelInfo Info { get; }

    /// <summary>The tables have 2^HashBits slots.</summary>
    public int HashBits => Weights.HashBits;

    /// <summary>The exchanges the model learned from, by name.</summary>
    public IReadOnlyList<WinRateExchange> Exchanges => _exchanges;

    internal WinRateWeights Weights { get; }

    /// <summary>The same weights under another header (a new version, say).</summary>
    public WinRateModel WithInfo(WinRateModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new WinRateModel(info, Weights, _exchanges);
    }

    public long ObservationsOf(uint exchangeKey)
    {
        // A handful of exchanges: a scan beats a dictionary and allocates nothing.
        foreach (var exchange in _exchanges)
        {
            if (exchange.Key == exchangeKey)
            {
                return exchange.Observations;
            }
        }

        return 0;
    }

    public LogLogisticCurve Curve(in ShadingContext context) => Weights.Curve(context);

    /// <summary>Slots with a non-zero weight (the file stores only those).</summary>
    public int NonZeroSlots()
    {
        var count = 0;
        for (var i = 0; i < Weights.Location.Length; i++)
        {
            count += Weights.Location[i] != 0 || Weights.LogScale[i] != 0 ? 1 : 0;
        }

        return count;
    }
}
