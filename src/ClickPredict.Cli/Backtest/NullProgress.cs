namespace ClickPredict.Cli.Backtest;

/// <summary>A progress sink that shows nothing (for the many small runs of <c>--suggest</c>).</summary>
internal sealed class NullProgress : IBacktestProgress, IBacktestStage
{
    public static readonly NullProgress Instance = new();

    public IBacktestStage Begin(string title, long? total) => this;

    public void Report(long done, string status)
    {
    }

    public void Finish(string summary)
    {
    }
}
