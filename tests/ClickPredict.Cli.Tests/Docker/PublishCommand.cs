namespace ClickPredict.Cli.Tests.Docker;

/// <summary>A <c>dotnet publish PROJECT -c CONFIGURATION -o OUTPUT ...</c> command of a RUN instruction.</summary>
internal sealed record PublishCommand(string Project, string? Configuration, string? Output, IReadOnlyList<string> Words, int Line)
{
    public static PublishCommand Parse(string[] words, int line)
    {
        string? project = null, configuration = null, output = null;
        for (var i = 2; i < words.Length; i++)
        {
            var word = words[i];
            if (word is "-c" or "--configuration" && i + 1 < words.Length)
            {
                configuration = words[++i];
            }
            else if (word is "-o" or "--output" && i + 1 < words.Length)
            {
                output = words[++i];
            }
            else if (!word.StartsWith('-') && project is null)
            {
                project = word;
            }
        }

        return new PublishCommand(
            project ?? throw new FormatException($"Dockerfile line {line}: 'dotnet publish' names no project"),
            configuration,
            output,
            words,
            line);
    }

    /// <summary>The assembly the project builds: its file name, unless the project sets AssemblyName.</summary>
    public string AssemblyName(string projectFile)
    {
        var text = File.ReadAllText(projectFile);
        var start = text.IndexOf("<AssemblyName>", StringComparison.Ordinal);
        return start < 0
            ? System.IO.Path.GetFileNameWithoutExtension(Project)
            : text[(start + "<AssemblyName>".Length)..text.IndexOf("</AssemblyName>", start, StringComparison.Ordinal)].Trim();
    }
}
