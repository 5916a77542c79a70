using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Shading;

/// <summary>
/// The win curve of a <see cref="WinRateModel"/>: the price to beat is log-logistic, so
/// <c>P(win | b) = sigmoid((ln b - mu) / sigma)</c>, a logistic regression on the log of the bid (the
/// functional form of Pan et al., AdKDD 2020). <see cref="MedianCpm"/> is the bid that wins half the time.
/// </summary>
public readonly struct LogLogisticCurve : IWinCurve
{
    public LogLogisticCurve(double mu, double sigma)
    {
        if (!double.IsFinite(mu) || !(sigma > 0) || !double.IsFinite(sigma))
        {
            Refuse(mu, sigma);
        }

        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>Log of the median price to beat (CPM).</summary>
    public double Mu { get; }

    /// <summary>Spread of the log of the price to beat (the logistic scale, &gt; 0).</summary>
    public double Sigma { get; }

    public double MedianCpm => Math.Exp(Mu);

    /// <summary>
    /// The part of the surplus maximum's equation that does not depend on the value:
    /// <c>(1 + sigma) ln(1 + sigma) - sigma ln sigma + mu</c> (see <see cref="SurplusMaximizer"/>).
    /// </summary>
    internal double OptimumOffset() => ((1 + Sigma) * Math.Log(1 + Sigma)) - (Sigma * Math.Log(Sigma)) + Mu;

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Refuse(double mu, double sigma) =>
        throw new ArgumentOutOfRangeException(nameof(sigma), $"a log-logistic curve needs a finite mu and a finite sigma > 0 (got mu {mu}, sigma {sigma})");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double WinProbability(double bid) => bid > 0 ? Logistic.Sigmoid((Math.Log(bid) - Mu) / Sigma) : 0;

    /// <summary><c>d ln P / d ln b = (1 - P) / sigma</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Elasticity(double bid) => bid > 0 ? Logistic.Sigmoid(-(Math.Log(bid) - Mu) / Sigma) / Sigma : double.PositiveInfinity;
}
