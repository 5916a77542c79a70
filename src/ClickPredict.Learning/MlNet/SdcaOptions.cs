namespace ClickPredict.Learning.MlNet;

/// <summary>Hyper-parameters of ML.NET's SDCA (stochastic dual coordinate ascent) logistic regression.</summary>
public sealed record SdcaOptions
{
    /// <summary>L1 strength (>= 0).</summary>
    public double L1 { get; init; }

    /// <summary>L2 strength (> 0; SDCA's dual needs it).</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Passes over the data at most (>= 1).</summary>
    public int MaxIterations { get; init; } = 20;

    /// <summary>Stop when the duality gap falls below this (> 0).</summary>
    public double Tolerance { get; init; } = 1e-3;

    /// <summary>Shuffle the examples between passes (seeded, so still repeatable).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Seeds ML.NET's context, for a repeatable fit.</summary>
    public int Seed { get; init; } = 1;

    public void Validate()
    {
        LbfgsOptions.Check(double.IsFinite(L1) && L1 >= 0, "l1", L1, "must be a finite number >= 0");
        LbfgsOptions.Check(double.IsFinite(L2) && L2 > 0, "l2", L2, "must be a finite number > 0");
        LbfgsOptions.Check(MaxIterations >= 1, "maxIterations", MaxIterations, "must be at least 1");
        LbfgsOptions.Check(double.IsFinite(Tolerance) && Tolerance > 0, "tolerance", Tolerance, "must be a finite number > 0");
    }

    public IReadOnlyDictionary<string, double> ToDictionary() => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["l1"] = L1,
        ["l2"] = L2,
        ["maxIterations"] = MaxIterations,
        ["tolerance"] = Tolerance,
        ["shuffle"] = Shuffle ? 1 : 0,
        ["seed"] = Seed,
    };
}
