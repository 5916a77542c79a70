namespace ClickPredict.Core.Simulation;

/// <summary>Shape of the simulated market. The defaults give a few percent CTR over a long-tailed inventory.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Seeds the inventory, the request stream and the hidden CTR function; same seed, same traffic.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Seeds click and auction outcomes separately, so drawing them never shifts the request stream.</summary>
    public int OutcomeSeed { get; init; } = 4242;

    public int Sites { get; init; } = 2000;

    public int Apps { get; init; } = 800;

    public int Publishers { get; init; } = 300;

    /// <summary>Share of requests from apps rather than sites.</summary>
    public double AppShare { get; init; } = 0.35;

    /// <summary>Exponent of the Zipf law of site and app popularity (1 is classic; larger, more skewed).</summary>
    public double ZipfExponent { get; init; } = 1.1;

    /// <summary>The CTR of an average impression before any effect (the logit's intercept).</summary>
    public double BaseCtr { get; init; } = 0.03;

    /// <summary>Scales every hidden effect: 0 makes all impressions equally clickable.</summary>
    public double EffectScale { get; init; } = 1.0;

    /// <summary>
    /// How fast the hidden CTR function drifts, in radians per simulated day: inventory and creative
    /// effects rotate from one random draw towards another (0 = no drift; pi/2 = fully new after a day).
    /// </summary>
    public double DriftPerDay { get; init; }

    /// <summary>
    /// How fast the first-price competition drifts, in radians per simulated day: each exchange's price
    /// level and its per-size and per-inventory levels rotate from one random draw towards another (0 = none).
    /// </summary>
    public double CompetitionDriftPerDay { get; init; }

    /// <summary>The exchanges requests come from; null means <see cref="SimExchange.DefaultSet"/>. Needs one of each auction type.</summary>
    public IReadOnlyList<SimExchange>? Exchanges { get; init; }

    /// <summary>Simulated time of the first request.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Mean simulated requests per simulated second: the simulated clock's pace.</summary>
    public double RequestsPerSecond { get; init; } = 50;

    /// <summary>Share of requests that name a user (user.id or buyeruid).</summary>
    public double UserIdShare { get; init; } = 0.6;

    /// <summary>Share of GDPR requests that carry a consent string.</summary>
    public double ConsentShare { get; init; } = 0.85;

    /// <summary>Creatives the hidden CTR function knows; null means <see cref="SimCreative.DemoSet"/>.</summary>
    public IReadOnlyList<SimCreative>? Creatives { get; init; }

    /// <summary>Throws naming the first option out of range.</summary>
    public void Validate()
    {
        Check(Sites >= 1, nameof(Sites), "must be at least 1");
        Check(Apps >= 1, nameof(Apps), "must be at least 1");
        Check(Publishers >= 1, nameof(Publishers), "must be at least 1");
        Check(AppShare is >= 0 and <= 1, nameof(AppShare), "must be in [0, 1]");
        Check(ZipfExponent is > 0 and < 10, nameof(ZipfExponent), "must be in (0, 10)");
        Check(BaseCtr is > 0 and < 1, nameof(BaseCtr), "must be in (0, 1)");
        Check(EffectScale is >= 0 and <= 10, nameof(EffectScale), "must be in [0, 10]");
        Check(double.IsFinite(DriftPerDay) && DriftPerDay >= 0, nameof(DriftPerDay), "must be a finite number >= 0");
        Check(RequestsPerSecond > 0 && double.IsFinite(RequestsPerSecond), nameof(RequestsPerSecond), "must be a finite number > 0");
        Check(UserIdShare is >= 0 and <= 1, nameof(UserIdShare), "must be in [0, 1]");
        Check(ConsentShare is >= 0 and <= 1, nameof(ConsentShare), "must be in [0, 1]");
        Check(Creatives is null || Creatives.Count > 0, nameof(Creatives), "must not be empty");
        Check(double.IsFinite(CompetitionDriftPerDay) && CompetitionDriftPerDay >= 0, nameof(CompetitionDriftPerDay), "must be a finite number >= 0");
        if (Exchanges is not null)
        {
            var problem = Exchanges.SelectMany(e => e.Problems()).FirstOrDefault();
            Check(problem is null, nameof(Exchanges), $"are not valid: {problem}");
            Check(Exchanges.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count() == Exchanges.Count, nameof(Exchanges), "must have distinct names");
            Check(Exchanges.Any(e => e.AuctionType == 1) && Exchanges.Any(e => e.AuctionType == 2), nameof(Exchanges), "must include a first-price and a second-price exchange");
        }
    }

    private static void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException($"simulator option {name} {problem}");
        }
    }
}
