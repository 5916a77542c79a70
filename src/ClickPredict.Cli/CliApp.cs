using System.CommandLine;
using ClickPredict.Cli.Commands;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using ClickPredict.Learning.Onnx;

namespace ClickPredict.Cli;

/// <summary>
/// Builds the <c>clickpredict</c> command tree and runs it. Exit codes: 0 success, 1 the command
/// failed (unreadable file, malformed data, refused model...), 2 the command line itself is wrong.
/// Every failure is one line on stderr, starting with <c>error:</c>.
/// </summary>
internal static class CliApp
{
    public const int Ok = 0, Failed = 1, Usage = 2;

    public static RootCommand BuildRoot(CliContext context)
    {
        var root = new RootCommand("ClickPredict: train, evaluate, back-test and export CTR models over hashed features, and run the whole bidding system as a demo.");
        root.Subcommands.Add(FitCommand.Create(context));
        root.Subcommands.Add(EvaluateCommand.Create(context));
        root.Subcommands.Add(ExportOnnxCommand.Create(context));
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(RetrainSimCommand.Create(context));
        root.Subcommands.Add(ShadingSimCommand.Create(context));
        root.Subcommands.Add(BacktestCommand.Create(context));
        root.Subcommands.Add(ExportExamplesCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        return root;
    }

    /// <summary>Runs one command line; <paramref name="interactive"/> null means "when stdout is a terminal".</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool? interactive = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(output, error, interactive ?? !System.Console.IsOutputRedirected);
        var root = BuildRoot(context);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var messages = string.Join("; ", parsed.Errors.Select(e => OneLine(e.Message)).Distinct(StringComparer.Ordinal));
            error.WriteLine($"error: {messages} (see {CommandName(parsed)} --help)");
            return Usage;
        }

        try
        {
            // Ctrl-C cancels the running command's token (the demo then stops its services in order and
            // prints its summary); a command still running this long after is ended.
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(45) });
        }
        catch (CliException e)
        {
            return Fail(error, e.Message);
        }
        catch (Exception e) when (e is DataFormatException or FeatureSpecException or ModelFormatException or OnnxModelException
            or FtrlCheckpointException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return Fail(error, e.Message);
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {OneLine(message)}");
        return Failed;
    }

    /// <summary>Folds a message's lines (a list of allowed values, say) into one.</summary>
    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string CommandName(ParseResult parsed) =>
        parsed.CommandResult.Command is RootCommand ? "clickpredict" : $"clickpredict {parsed.CommandResult.Command.Name}";
}
