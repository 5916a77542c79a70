namespace ClickPredict.Cli.Backtest;

/// <summary>Where a back-test reports its stages (load, train and score each spec, bootstrap, ...).</summary>
internal interface IBacktestProgress
{
    /// <summary>Starts a stage of <paramref name="total"/> units (rows, specs); null when open-ended.</summary>
    IBacktestStage Begin(string title, long? total);
}

/// <summary>One stage of a back-test.</summary>
internal interface IBacktestStage
{
    /// <summary>Units done so far and a short status.</summary>
    void Report(long done, string status);

    /// <summary>Ends the stage with a one-line summary.</summary>
    void Finish(string summary);
}
