using ClickPredict.Core.Model;

namespace ClickPredict.Core.Shading;

/// <summary>
/// Picks the first-price bid that maximises expected surplus <c>S(b) = (value - b) x P(win | b)</c> within
/// <c>[floor, min(value, max bid)]</c>. Allocation-free and branch-light: it runs on the bid path.
/// </summary>
/// <remarks>
/// For a win curve log-concave in the log of the bid, <c>ln S</c> is concave in the bid, so S has one peak
/// and its slope changes sign once. In <c>u = ln b</c> the sign of <c>dS/du</c> is that of
/// <c>psi(u) = E(b) (value / b - 1) - 1</c>, with E the curve's elasticity: psi decreases, so the optimum is
/// the bound where psi does not change sign inside the range, else its root, found by regula falsi with the
/// Illinois modification (bisection when a value is not finite) to 1e-9 in <c>ln b</c>.
/// <para>
/// The log-logistic curve of the win-rate model has a faster path. With <c>b = value y / (1 + sigma)</c>
/// the first-order condition <c>sigma b = (value - b)(1 - P(b))</c> becomes
/// <c>(1 + sigma) ln y - sigma ln(1 - y) = K</c>, <c>K = (1 + sigma) ln(1 + sigma) - sigma ln sigma + mu - ln value</c>;
/// in <c>t = logit(y)</c> its left side is increasing and concave with slope between sigma and 1 + sigma,
/// so Newton's method converges from any start; Halley's, which also uses the curvature (free here),
/// takes two to four steps of one exp and one log each.
/// </para>
/// </remarks>
public static class SurplusMaximizer
{
    /// <summary>Smallest bid considered (CPM): a floor of 0 still leaves a positive log.</summary>
    public const double MinBid = 1e-6;

    /// <summary>Width of the final bracket in <c>ln b</c>: far below the 4-decimal price rounding.</summary>
    private const double Tolerance = 1e-9;

    private const int MaxIterations = 100;

    /// <summary>The last step of the log-logistic path, in <c>logit(y)</c>: with cubic convergence the error left is far below 1e-12.</summary>
    private const double NewtonTolerance = 1e-6;

    /// <summary>
    /// The optimum for <paramref name="value"/> (expected value of the impression, CPM) under
    /// <paramref name="curve"/>; <see cref="SurplusOptimum.None"/> when no bid in range can earn a surplus
    /// (the floor is not below the value, or above the max bid) or an input is not a number.
    /// </summary>
    public static SurplusOptimum Maximize<TCurve>(in TCurve curve, double value, double floor, double maxBid)
        where TCurve : struct, IWinCurve
    {
        if (!TryRange(value, floor, maxBid, out var lo, out var hi))
        {
            return SurplusOptimum.None;
        }

        double bid;
        var psiLo = Psi(curve, lo, value);
        if (!(psiLo > 0))
        {
            // Surplus falls from the floor on: bid the floor.
            bid = lo;
        }
        else
        {
            // At b = value, psi = -1. Still rising at a lower cap (the campaign's max CPM): bid the cap.
            var psiHi = hi < value ? Psi(curve, hi, value) : -1;
            bid = psiHi >= 0 ? hi : Math.Clamp(Math.Exp(Root(curve, value, Math.Log(lo), psiLo, Math.Log(hi), psiHi)), lo, hi);
        }

        var p = curve.WinProbability(bid);
        return new SurplusOptimum(bid, p, (value - bid) * p);
    }

    /// <summary>The optimum under the win-rate model's log-logistic curve (the fast path of the remarks); the same result as the generic method.</summary>
    public static SurplusOptimum Maximize(in LogLogisticCurve curve, double value, double floor, double maxBid) =>
        Maximize(curve, curve.OptimumOffset(), value, floor, maxBid);

    /// <summary>The fast path with <c>K + ln value</c> already computed for the curve (<see cref="LogLogisticCurve.OptimumOffset"/>), as a plan shares it across creatives.</summary>
    internal static SurplusOptimum Maximize(in LogLogisticCurve curve, double offset, double value, double floor, double maxBid)
    {
        if (!TryRange(value, floor, maxBid, out var lo, out var hi))
        {
            return SurplusOptimum.None;
        }

        var sigma = curve.Sigma;
        var k = offset - Math.Log(value);
        // f(t) = sigma softplus(t) - (1 + sigma) softplus(-t) - K, increasing and concave: f' = 1 + sigma - y,
        // f'' = -y (1 - y), y = sigmoid(t); f(0) = -ln 2 - K. Start on the asymptote of the root's side, then
        // Halley's steps (cubic convergence; f' and f'' cost nothing once y is known).
        var t = k < -Math.Log(2) ? k / (1 + sigma) : k / sigma;
        double y;
        for (var i = 0; ; i++)
        {
            var e = Math.Exp(-Math.Abs(t));
            var softplus = Math.Max(t, 0) + Math.Log(1 + e);
            y = t >= 0 ? 1 / (1 + e) : e / (1 + e);
            var f = (sigma * softplus) - ((1 + sigma) * (softplus - t)) - k;
            var slope = 1 + sigma - y;
            var step = 2 * f * slope / ((2 * slope * slope) + (f * y * (1 - y)));
            t -= step;
            // y moves with t; to first order is exact enough after a step this small.
            y -= y * (1 - y) * step;
            if (Math.Abs(step) < NewtonTolerance || i == MaxIterations)
            {
                break;
            }
        }

        var bid = value * y / (1 + sigma);
        if (bid >= lo && bid <= hi)
        {
            // At the optimum the first-order condition gives P without another exp: 1 - P = sigma y / (1 + sigma - y).
            var win = (1 + sigma) * (1 - y) / (1 + sigma - y);
            return new SurplusOptimum(bid, win, (value - bid) * win);
        }

        bid = Math.Clamp(bid, lo, hi);
        var p = curve.WinProbability(bid);
        return new SurplusOptimum(bid, p, (value - bid) * p);
    }

    /// <summary>The bids that can earn a surplus, <c>[max(floor, MinBid), min(value, maxBid)]</c>; false when there are none or an input is not a number.</summary>
    private static bool TryRange(double value, double floor, double maxBid, out double lo, out double hi)
    {
        lo = Math.Max(floor, MinBid);
        hi = Math.Min(value, maxBid);
        return value > 0 && double.IsFinite(value) && !double.IsNaN(floor) && !double.IsNaN(maxBid) && lo < value && hi >= lo;
    }

    /// <summary>The sign of the surplus slope in <c>ln b</c> (see the remarks).</summary>
    private static double Psi<TCurve>(in TCurve curve, double bid, double value)
        where TCurve : struct, IWinCurve =>
        (curve.Elasticity(bid) * ((value / bid) - 1)) - 1;

    /// <summary>The root of the decreasing psi in <c>[a, b]</c>, with psi(a) &gt; 0 &gt; psi(b).</summary>
    private static double Root<TCurve>(in TCurve curve, double value, double a, double fa, double b, double fb)
        where TCurve : struct, IWinCurve
    {
        var side = 0;
        for (var i = 0; i < MaxIterations && b - a > Tolerance; i++)
        {
            var c = double.IsFinite(fa) && double.IsFinite(fb) ? ((a * fb) - (b * fa)) / (fb - fa) : 0.5 * (a + b);
            if (!(c > a && c < b))
            {
                c = 0.5 * (a + b);
            }

            var fc = Psi(curve, Math.Exp(c), value);
            if (fc > 0)
            {
                a = c;
                fa = fc;
                // Illinois: the same end kept twice halves the other end's value, so both ends close in.
                fb = side == 1 ? 0.5 * fb : fb;
                side = 1;
            }
            else if (fc < 0)
            {
                b = c;
                fb = fc;
                fa = side == -1 ? 0.5 * fa : fa;
                side = -1;
            }
            else
            {
                return c;
            }
        }

        return 0.5 * (a + b);
    }
}
