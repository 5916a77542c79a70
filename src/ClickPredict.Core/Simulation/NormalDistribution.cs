namespace ClickPredict.Core.Simulation;

/// <summary>
/// The standard normal density and distribution function. The complementary error function is the
/// Chebyshev fit with fractional error below 1.2e-7 everywhere (Press et al., Numerical Recipes, erfcc),
/// so tail probabilities keep their relative precision, as ratios such as density over distribution need.
/// </summary>
internal static class NormalDistribution
{
    private static readonly double s_invSqrt2Pi = 1.0 / Math.Sqrt(2 * Math.PI);

    public static double Pdf(double z) => s_invSqrt2Pi * Math.Exp(-0.5 * z * z);

    /// <summary>P(Z &lt;= z).</summary>
    public static double Cdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>The density over the distribution function, <c>pdf(z) / cdf(z)</c> (the inverse Mills ratio of -z), finite everywhere.</summary>
    public static double PdfOverCdf(double z)
    {
        var cdf = Cdf(z);
        // Far in the left tail both underflow; there the ratio tends to -z.
        return cdf > 1e-300 ? Pdf(z) / cdf : -z;
    }

    public static double Erfc(double x)
    {
        var ax = Math.Abs(x);
        var t = 1.0 / (1.0 + (0.5 * ax));
        var poly = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806
            + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        var r = t * Math.Exp((-ax * ax) + poly);
        return x >= 0 ? r : 2.0 - r;
    }
}
