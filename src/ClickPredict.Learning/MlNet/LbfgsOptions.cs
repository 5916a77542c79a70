using System.Globalization;

namespace ClickPredict.Learning.MlNet;

/// <summary>Hyper-parameters of ML.NET's L-BFGS logistic regression (OWL-QN when L1 is set).</summary>
public sealed record LbfgsOptions
{
    /// <summary>L1 strength on the summed loss (>= 0).</summary>
    public double L1 { get; init; } = 1.0;

    /// <summary>L2 strength on the summed loss (>= 0).</summary>
    public double L2 { get; init; } = 1.0;

    /// <summary>Stop when the relative improvement falls below this (> 0).</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Past gradients kept to approximate the Hessian (>= 1).</summary>
    public int HistorySize { get; init; } = 20;

    /// <summary>Iteration cap (>= 1).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>Seeds ML.NET's context, for a repeatable fit.</summary>
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        Check(double.IsFinite(L1) && L1 >= 0, "l1", L1, "must be a finite number >= 0");
        Check(double.IsFinite(L2) && L2 >= 0, "l2", L2, "must be a finite number >= 0");
        Check(double.IsFinite(Tolerance) && Tolerance > 0, "tolerance", Tolerance, "must be a finite number > 0");
        Check(HistorySize >= 1, "historySize", HistorySize, "must be at least 1");
        Check(MaxIterations >= 1, "maxIterations", MaxIterations, "must be at least 1");
    }

    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["l1"] = L1,
        ["l2"] = L2,
        ["tolerance"] = Tolerance,
        ["historySize"] = HistorySize,
        ["maxIterations"] = MaxIterations,
        ["seed"] = Seed,
    };

    internal static void Check(bool ok, string name, double value, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} {problem}, not {value}"));
        }
    }
}
