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
            // A terminal gets live rendering (cursor movement); anything else plain text.
            Ansi = interactive ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Whether output goes to a terminal (live progress bars) rather than a file, pipe or test.</summary>
    public bool Interactive { get; }

    public IAnsiConsole Console { get; }
}
