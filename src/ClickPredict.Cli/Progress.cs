using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace ClickPredict.Cli;

/// <summary>
/// A progress display for a loop over rows: a live Spectre progress bar (rows/s and whatever status
/// the loop reports, e.g. the running log loss) on a terminal; one summary line per stage otherwise,
/// so logs and tests get plain text.
/// </summary>
internal sealed class Progress
{
    private const int UpdateEveryRows = 8192;

    private readonly CliContext _context;
    private ProgressTask? _task;
    private long _start;
    private string _title = string.Empty;

    public Progress(CliContext context) => _context = context;

    /// <summary>Runs <paramref name="body"/> under a progress display titled <paramref name="title"/>; <paramref name="total"/> null is open-ended.</summary>
    public void Run(string title, long? total, Action<Progress> body)
    {
        _title = title;
        _start = Stopwatch.GetTimestamp();
        if (!_context.Interactive)
        {
            body(this);
            return;
        }

        _context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                _task = ctx.AddTask(title, autoStart: true, maxValue: total ?? 100);
                _task.IsIndeterminate = total is null;
                body(this);
                _task.Value = _task.MaxValue;
                _task.StopTask();
                _task = null;
            });
    }

    /// <summary>Whether <paramref name="rows"/> is a row at which to call <see cref="Update"/> (every 8,192 rows).</summary>
    public static bool Due(long rows) => rows % UpdateEveryRows == 0;

    /// <summary>Shows rows done, their rate, and <paramref name="status"/>.</summary>
    public void Update(long rows, string status)
    {
        if (_task is null)
        {
            return;
        }

        _task.Value = _task.IsIndeterminate ? _task.Value : Math.Min(rows, _task.MaxValue);
        _task.Description = Describe(rows, status);
    }

    /// <summary>Ends the stage: the final figures, on the bar or as a line of text.</summary>
    public void Finish(long rows, string status)
    {
        if (_task is not null)
        {
            _task.Description = Describe(rows, status);
            return;
        }

        _context.Output.WriteLine(Describe(rows, status));
    }

    private string Describe(long rows, string status)
    {
        var seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        var rate = seconds > 0 ? rows / seconds : 0;
        var text = string.Create(CultureInfo.InvariantCulture, $"{_title}: {rows:N0} rows, {rate:N0} rows/s");
        return status.Length == 0 ? text : $"{text}, {status}";
    }
}
