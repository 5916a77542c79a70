namespace ClickPredict.Cli.Commands;

/// <summary>One exchange in the learned model.</summary>
internal sealed record ShadingSimExchange
{
    public required string Name { get; init; }

    public long Observations { get; init; }

    public long Wins { get; init; }

    public long MinToWinReports { get; init; }
}
