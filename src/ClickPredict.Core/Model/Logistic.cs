using System.Runtime.CompilerServices;

namespace ClickPredict.Core.Model;

/// <summary>The logistic function and its helpers, written not to overflow or lose precision at the extremes.</summary>
public static class Logistic
{
    /// <summary><c>1 / (1 + e^-x)</c>, exact to rounding for every finite x (no overflow for large |x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double x)
    {
        if (x >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-x));
        }

        // For negative x, e^x is small and safe where e^-x could overflow.
        var e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary><c>ln(p / (1 - p))</c>, with p clamped away from 0 and 1.</summary>
    public static double Logit(double p)
    {
        p = Math.Clamp(p, 1e-15, 1 - 1e-15);
        return Math.Log(p / (1 - p));
    }

    /// <summary>
    /// Undoes negative down-sampling: a model trained keeping a fraction <paramref name="negativeRate"/>
    /// of negatives predicts <paramref name="p"/>; the calibrated rate is <c>q = p / (p + (1 - p) / w)</c>
    /// with <c>w = negativeRate</c> (He et al. 2014). Dropping negatives multiplies the odds by
    /// <c>1 / w</c>, so this multiplies them back by <c>w</c>: in logit space it adds <c>ln w</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Recalibrate(double p, double negativeRate) =>
        negativeRate >= 1.0 ? p : p / (p + ((1.0 - p) / negativeRate));
}
