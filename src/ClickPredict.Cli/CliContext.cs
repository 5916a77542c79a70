using Spectre.Console;

namespace ClickPredict.Cli;

/// <summary>Where a command writes: plain text out, errors, and a Spectre console for tables and progress bars.</summary>
internal sealed class CliContext
{
    public CliContext(TextWriter output, TextWriter error, bool interactive)
    {
        Output = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Whether output goes to a terminal (live progress bars) rather than a file, pipe or test.</summary>
    public bool Interactive { get; }

    public IAnsiConsole Console { get; }
}
