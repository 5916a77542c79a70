using System.Globalization;

namespace ClickPredict.Core.Shading;

/// <summary>
/// What <see cref="ShadingSimulation"/> replays: how many first-price auctions of which seeded market
/// (its pace and competition drift), what the bidder's impressions are worth (the hidden true CTR times a
/// value per click) and its max CPM, and the three policies' settings. Immutable; <see cref="Validate"/>
/// names the first value out of range.
/// </summary>
public sealed record ShadingSimulationOptions
{
    /// <summary>First-price auctions to replay (second-price requests of the stream are skipped), &gt;= 1.</summary>
    public int Auctions { get; init; } = 200_000;

    /// <summary>Seeds the market: same seed, same auctions, same figures.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Radians per simulated day the competition drifts (see <see cref="Simulation.SimulatorOptions.CompetitionDriftPerDay"/>).</summary>
    public double CompetitionDriftPerDay { get; init; } = 1.0;

    /// <summary>Pace of the simulated clock (all requests, both auction types): 2 per second spreads 200,000 first-price auctions over about two days.</summary>
    public double RequestsPerSecond { get; init; } = 2.0;

    /// <summary>What a click is worth to the advertiser (USD): an impression is worth its true CTR times this, per thousand.</summary>
    public double ValuePerClickUsd { get; init; } = 0.09;

    /// <summary>The campaign's max CPM (USD): no policy bids above it.</summary>
    public double MaxCpmUsd { get; init; } = 8.0;

    /// <summary>The learned shader's settings; its fallback factor is also the fixed policy's.</summary>
    public ShadingOptions Shading { get; init; } = new();

    public WinRateLearnerOptions Learner { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Check(Auctions >= 1, nameof(Auctions), Auctions, "must be at least 1");
        Check(double.IsFinite(CompetitionDriftPerDay) && CompetitionDriftPerDay >= 0, nameof(CompetitionDriftPerDay), CompetitionDriftPerDay, "must be a finite number >= 0");
        Check(double.IsFinite(RequestsPerSecond) && RequestsPerSecond > 0, nameof(RequestsPerSecond), RequestsPerSecond, "must be a finite number > 0");
        Check(double.IsFinite(ValuePerClickUsd) && ValuePerClickUsd > 0, nameof(ValuePerClickUsd), ValuePerClickUsd, "must be a finite number > 0");
        Check(double.IsFinite(MaxCpmUsd) && MaxCpmUsd > 0, nameof(MaxCpmUsd), MaxCpmUsd, "must be a finite number > 0");
        ArgumentNullException.ThrowIfNull(Shading);
        ArgumentNullException.ThrowIfNull(Learner);
        Shading.Validate();
        Learner.Validate();
    }

    private static void Check(bool ok, string name, double value, string problem)
    {
        if (!ok)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"shading-sim {name} {problem}, not {value}"));
        }
    }
}
