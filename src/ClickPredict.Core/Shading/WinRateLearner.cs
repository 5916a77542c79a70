using System.Runtime.CompilerServices;
using ClickPredict.Core.Learning;

namespace ClickPredict.Core.Shading;

/// <summary>
/// Learns P(win | bid, context) online from the bidder's own first-price outcomes, by maximum likelihood
/// on the log-logistic curve of <see cref="WinRateModel"/>. Each outcome is one of three kinds:
/// a win at bid b says the price to beat was below b, a loss that it was at least b (censored: most
/// exchanges say no more), and an exchange's minimum bid to win (OpenRTB 2.6 <c>${AUCTION_MIN_TO_WIN}</c>,
/// on a win or a loss notice) says exactly what it was, an exact observation, worth several censored ones.
/// That is the censored/uncensored likelihood of Zhou et al. (KDD 2021) on the functional form of Pan et al.
/// (AdKDD 2020). Each outcome takes one per-coordinate adaptive gradient step (RMSProp with bias
/// correction) on working weights; the curves served (and published) use each weight's running average
/// over its last <see cref="WinRateLearnerOptions.AveragingWindow"/> steps (Polyak-Ruppert averaging):
/// a step size large enough to follow a drifting market leaves the working weights jittering, and the
/// average removes most of that jitter at the cost of a short lag. Every prediction is scored before it
/// is learned (<see cref="Validation"/>). Not thread-safe; <see cref="ToModel"/> snapshots an immutable
/// model to publish.
/// </summary>
public sealed class WinRateLearner : IWinRateSource
{
    private const double Epsilon = 1e-8;
    private static readonly double s_minLogSigma = Math.Log(WinRateWeights.MinSigma);
    private static readonly double s_maxLogSigma = Math.Log(WinRateWeights.MaxSigma);

    private readonly WinRateWeights _weights;
    private readonly WinRateWeights _served;
    private readonly Slot[] _locationSteps;
    private readonly Slot[] _scaleSteps;
    private readonly Dictionary<uint, Tally> _exchanges = [];

    public WinRateLearner(WinRateLearnerOptions? options = null)
        : this(options ?? new WinRateLearnerOptions(), null)
    {
    }

    private WinRateLearner(WinRateLearnerOptions options, WinRateModel? from)
    {
        options.Validate();
        Options = options;
        _weights = from?.Weights.Copy()
            ?? WinRateWeights.Zero(options.HashBits, options.Seed, Math.Log(options.PriorMedianCpm), Math.Log(options.PriorSpread));
        _served = _weights.Copy();
        _locationSteps = NewSlots(_weights.Location.Length);
        _scaleSteps = NewSlots(_weights.Location.Length);
        foreach (var exchange in from?.Exchanges ?? [])
        {
            _exchanges[exchange.Key] = new Tally(exchange.Name)
            {
                Observations = exchange.Observations,
                Wins = exchange.Wins,
                MinToWinReports = exchange.MinToWinReports,
            };
            Observations += exchange.Observations;
        }
    }

    public WinRateLearnerOptions Options { get; }

    /// <summary>Outcomes learned from (with those of the model resumed from).</summary>
    public long Observations { get; private set; }

    /// <summary>Log loss of P(win) at each bid, scored before the outcome was learned.</summary>
    public ProgressiveValidation Validation { get; } = new();

    /// <summary>
    /// Continues learning from a published model's weights and counts (the step sizes start afresh).
    /// The model's table size, hash seed and prior are kept; the rest of <paramref name="options"/> applies.
    /// </summary>
    public static WinRateLearner Resume(WinRateModel model, WinRateLearnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var kept = (options ?? new WinRateLearnerOptions()) with
        {
            HashBits = model.HashBits,
            Seed = model.Weights.Seed,
            PriorMedianCpm = Math.Exp(model.Weights.LocationOffset),
            PriorSpread = Math.Exp(model.Weights.LogScaleOffset),
        };
        return new WinRateLearner(kept, model);
    }

    /// <summary>Registers an exchange by name (once is enough) and returns its key for <see cref="ShadingContext"/>.</summary>
    public uint Track(string exchange)
    {
        ArgumentException.ThrowIfNullOrEmpty(exchange);
        var key = ShadingContext.KeyOf(exchange);
        if (_exchanges.TryGetValue(key, out var known))
        {
            return string.Equals(known.Name, exchange, StringComparison.Ordinal)
                ? key
                : throw new ArgumentException($"exchange names '{known.Name}' and '{exchange}' have the same key {key:x8}; rename one");
        }

        _exchanges[key] = new Tally(exchange);
        return key;
    }

    public long ObservationsOf(uint exchangeKey) => _exchanges.TryGetValue(exchangeKey, out var tally) ? tally.Observations : 0;

    /// <summary>The curve served for <paramref name="context"/> (from the averaged weights).</summary>
    public LogLogisticCurve Curve(in ShadingContext context) => _served.Curve(context);

    /// <summary>
    /// Learns one first-price outcome: the bid (CPM, at or above the context's floor), whether it won, and the
    /// exchange's minimum bid to win when it reported one (NaN when not). A minimum at or below the floor
    /// says only that the price to beat was no higher than the floor.
    /// </summary>
    [SkipLocalsInit]
    public void Observe(in ShadingContext context, double bid, bool won, double minToWin = double.NaN)
    {
        if (!(bid > 0) || !double.IsFinite(bid))
        {
            throw new ArgumentOutOfRangeException(nameof(bid), bid, "a bid must be a finite number > 0");
        }

        if (!_exchanges.TryGetValue(context.ExchangeKey, out var tally))
        {
            throw new ArgumentException($"exchange key {context.ExchangeKey:x8} was never tracked (call Track with its name first)", nameof(context));
        }

        Span<int> slots = stackalloc int[ShadingFeatures.Count];
        Span<double> values = stackalloc double[ShadingFeatures.Count];
        ShadingFeatures.Fill(context, _weights.Seed, _weights.Mask, slots, values);
        Validation.Add(_served.Curve(slots, values).WinProbability(bid), won);
        var curve = _weights.Curve(slots, values);

        // d(log likelihood)/dz at the observed point z, and whether it is exact (a density, not a tail).
        var exact = false;
        double at;
        double dz;
        var reported = double.IsFinite(minToWin) && minToWin > 0;
        if (reported && minToWin > context.FloorCpm * (1 + 1e-9))
        {
            exact = true;
            at = minToWin;
            dz = 1 - (2 * Cdf(curve, at));
        }
        else if (reported || won)
        {
            // Beaten (or only the floor to beat): the price to beat was below the bid (or the floor).
            at = reported ? Math.Max(context.FloorCpm, SurplusMaximizer.MinBid) : bid;
            dz = 1 - Cdf(curve, at);
        }
        else
        {
            at = bid;
            dz = -Cdf(curve, at);
        }

        var z = (Math.Log(at) - curve.Mu) / curve.Sigma;
        // Gradients of the negative log likelihood: z = (ln x - mu) / e^rho.
        var gradMu = dz / curve.Sigma;
        var gradRho = (dz * z) + (exact ? 1 : 0);
        var rho = Math.Log(curve.Sigma);
        var scaleFree = !((rho <= s_minLogSigma && gradRho > 0) || (rho >= s_maxLogSigma && gradRho < 0));
        var inScale = ShadingFeatures.InScale;
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = slots[i];
            Step(_weights.Location, _served.Location, _locationSteps, slot, gradMu * values[i], Options.LearningRate);
            if (scaleFree && inScale[i])
            {
                Step(_weights.LogScale, _served.LogScale, _scaleSteps, slot, gradRho * values[i], Options.ScaleLearningRate);
            }
        }

        Observations++;
        tally.Observations++;
        tally.Wins += won ? 1 : 0;
        tally.MinToWinReports += reported ? 1 : 0;
    }

    /// <summary>An immutable copy of what was learned, to publish (the counts and the progressive log loss go in its header).</summary>
    public WinRateModel ToModel(WinRateModelInfo? info = null)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (Validation.Count > 0)
        {
            metrics["winLogLoss"] = Validation.LogLoss;
        }

        var header = (info ?? new WinRateModelInfo()) with
        {
            Observations = Observations,
            HyperParameters = Options.ToDictionary(),
            Metrics = metrics,
        };
        return new WinRateModel(header, _served.Copy(), _exchanges.Values.Select(t => new WinRateExchange(t.Name, t.Observations, t.Wins, t.MinToWinReports)));
    }

    private static double Cdf(LogLogisticCurve curve, double price) => curve.WinProbability(price);

    /// <summary>One RMSProp step of a working weight, then its running average moved towards it.</summary>
    private void Step(double[] weights, double[] served, Slot[] steps, int slot, double gradient, double rate)
    {
        ref var s = ref steps[slot];
        gradient += Options.Lambda2 * weights[slot];
        var decay = Options.Decay;
        s.Power *= decay;
        s.MeanSquare = (decay * s.MeanSquare) + ((1 - decay) * gradient * gradient);
        var corrected = s.MeanSquare / (1 - s.Power);
        weights[slot] -= rate * gradient / (Math.Sqrt(corrected) + Epsilon);
        // The plain mean of the steps so far, then an exponential one over the window.
        s.Updates++;
        served[slot] += (weights[slot] - served[slot]) / Math.Min(s.Updates, Options.AveragingWindow);
    }

    private static Slot[] NewSlots(int count)
    {
        var slots = new Slot[count];
        Array.Fill(slots, new Slot { Power = 1 });
        return slots;
    }

    /// <summary>RMSProp state of one weight: running mean of squared gradients, decay^updates (for bias correction), updates.</summary>
    private struct Slot
    {
        public double MeanSquare;
        public double Power;
        public long Updates;
    }

    private sealed class Tally(string name)
    {
        public string Name { get; } = name;

        public long Observations { get; set; }

        public long Wins { get; set; }

        public long MinToWinReports { get; set; }
    }
}
