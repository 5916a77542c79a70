namespace ClickPredict.Core.Shading;

/// <summary>What a win-rate model learned from one exchange: outcomes, wins among them, and how many carried the exchange's minimum bid to win.</summary>
public sealed record WinRateExchange(string Name, long Observations, long Wins, long MinToWinReports)
{
    /// <summary><see cref="ShadingContext.KeyOf(string)"/> of <see cref="Name"/>.</summary>
    public uint Key { get; } = ShadingContext.KeyOf(Name);
}
