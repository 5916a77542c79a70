namespace ClickPredict.Core.Shading;

/// <summary>
/// The chance of winning a first-price auction as a function of the bid (CPM): the distribution of the
/// price to beat. <see cref="SurplusMaximizer"/> needs only these two figures and assumes the curve is
/// log-concave in the log of the bid (log-logistic, log-normal and the maximum of several log-normals are),
/// so expected surplus has one peak.
/// </summary>
public interface IWinCurve
{
    /// <summary>P(win | bid), in [0, 1], nondecreasing in <paramref name="bid"/>.</summary>
    double WinProbability(double bid);

    /// <summary>
    /// The elasticity <c>d ln P(win) / d ln bid</c> at <paramref name="bid"/>: positive, finite and
    /// nonincreasing in the bid (that is the log-concavity the maximiser relies on).
    /// </summary>
    double Elasticity(double bid);
}
