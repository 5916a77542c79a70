namespace ClickPredict.Core.Shading;

/// <summary>One exchange in the header.</summary>
internal sealed class WinRateHeaderExchange
{
    public string Name { get; set; } = string.Empty;

    public uint Key { get; set; }

    public long Observations { get; set; }

    public long Wins { get; set; }

    public long MinToWinReports { get; set; }
}
