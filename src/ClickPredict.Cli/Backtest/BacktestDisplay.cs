using Spectre.Console;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// Shows a back-test's stages: live Spectre progress bars (one per stage) on a terminal; one summary
/// line per stage otherwise; nothing at all when <c>quiet</c> and not on a terminal (for <c>--json</c>
/// into a pipe, so the JSON stays the only thing written).
/// </summary>
internal sealed class BacktestDisplay : IBacktestProgress
{
    private readonly IAnsiConsole _console;
    private readonly TextWriter? _lines;
    private readonly bool _live;
    private ProgressContext? _context;

    /// <param name="console">Console the bars are drawn on.</param>
    /// <param name="live">Draw live bars (a terminal).</param>
    /// <param name="lines">Where summary lines go when not live; null writes none.</param>
    public BacktestDisplay(IAnsiConsole console, bool live, TextWriter? lines)
    {
        _console = console;
        _live = live;
        _lines = lines;
    }

    /// <summary>Runs <paramref name="body"/> with the display active.</summary>
    public T Run<T>(Func<T> body)
    {
        if (!_live)
        {
            return body();
        }

        return _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                _context = context;
                try
                {
                    return body();
                }
                finally
                {
                    _context = null;
                }
            });
    }

    public IBacktestStage Begin(string title, long? total)
    {
        if (_context is { } context)
        {
            var task = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: Math.Max(1, total ?? 1));
            task.IsIndeterminate = total is null;
            return new LiveStage(task, title);
        }

        return new LineStage(_lines, title);
    }

    private sealed class LiveStage(ProgressTask task, string title) : IBacktestStage
    {
        public void Report(long done, string status)
        {
            if (!task.IsIndeterminate)
            {
                task.Value = Math.Min(done, task.MaxValue);
            }

            task.Description = Markup.Escape(status.Length == 0 ? title : $"{title}: {status}");
        }

        public void Finish(string summary)
        {
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.Description = Markup.Escape($"{title}: {summary}");
            task.StopTask();
        }
    }

    private sealed class LineStage(TextWriter? lines, string title) : IBacktestStage
    {
        public void Report(long done, string status)
        {
        }

        public void Finish(string summary) => lines?.WriteLine($"{title}: {summary}");
    }
}
