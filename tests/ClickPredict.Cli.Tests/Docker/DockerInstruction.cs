namespace ClickPredict.Cli.Tests.Docker;

/// <summary>One logical Dockerfile instruction: its keyword (upper case), its arguments and the line it starts on.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments, int Line)
{
    /// <summary>The arguments split at white space (the Dockerfile quotes nothing we read this way).</summary>
    public string[] Words => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A RUN instruction's shell commands (split at <c>&amp;&amp;</c>), each split into words.</summary>
    public IEnumerable<string[]> Commands()
    {
        foreach (var command in Arguments.Split("&&", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (command.IndexOfAny(['"', '\'', '$', ';', '|']) >= 0)
            {
                throw new FormatException($"Dockerfile line {Line}: the tests cannot run the shell command '{command}' (quotes, variables, ';' or '|')");
            }

            yield return command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
