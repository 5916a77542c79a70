using System.Text.Json;

namespace ClickPredict.Cli.Tests.Docker;

/// <summary>
/// The repository's Dockerfile as the tests read it: its stages and their instructions, with
/// continuation lines joined and comments dropped. It understands the instructions the file uses
/// (FROM, WORKDIR, COPY, RUN, ENV, EXPOSE, HEALTHCHECK, ENTRYPOINT, ...) in their plain forms; a form
/// it cannot read fails with the line number, so a change to the Dockerfile that outgrows it is seen.
/// </summary>
internal sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public static string Path => System.IO.Path.Combine(CliRunner.RepoRoot, "Dockerfile");

    public static string IgnorePath => System.IO.Path.Combine(CliRunner.RepoRoot, ".dockerignore");

    public IReadOnlyList<DockerStage> Stages { get; }

    /// <summary>Stages that run a program (the service images).</summary>
    public IEnumerable<DockerStage> ServiceStages => Stages.Where(s => Effective(s).Any(i => i.Keyword == "ENTRYPOINT"));

    public static DockerfileModel Load() => Parse(File.ReadAllText(Path));

    public static DockerfileModel Parse(string text)
    {
        var stages = new List<DockerStage>();
        DockerStage? current = null;
        foreach (var instruction in Instructions(text))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
                var name = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : $"stage{stages.Count}";
                current = new DockerStage(name, words[0], instruction.Line);
                stages.Add(current);
            }
            else if (current is not null)
            {
                current.Instructions.Add(instruction);
            }
        }

        return new DockerfileModel(stages);
    }

    public DockerStage Stage(string name) =>
        Stages.SingleOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"Dockerfile has no stage '{name}'");

    /// <summary>The instructions a stage runs, those of the stage it is built FROM (when that is a stage of this file) first.</summary>
    public IReadOnlyList<DockerInstruction> Effective(DockerStage stage)
    {
        var chain = new List<DockerInstruction>();
        var parent = Stages.FirstOrDefault(s => s.Name == stage.Base && s.Line < stage.Line);
        if (parent is not null)
        {
            chain.AddRange(Effective(parent));
        }

        chain.AddRange(stage.Instructions);
        return chain;
    }

    /// <summary>The <c>dotnet publish</c> commands of a stage's RUN instructions.</summary>
    public static IEnumerable<PublishCommand> PublishCommands(DockerStage stage) =>
        stage.Instructions.Where(i => i.Keyword == "RUN").SelectMany(i => i.Commands().Select(c => (i, c)))
            .Where(x => x.c.Length > 1 && x.c[0] == "dotnet" && x.c[1] == "publish")
            .Select(x => PublishCommand.Parse(x.c, x.i.Line));

    /// <summary>The ENV settings of a list of instructions, later ones winning.</summary>
    public static Dictionary<string, string> Environment(IEnumerable<DockerInstruction> instructions)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var instruction in instructions.Where(i => i.Keyword == "ENV"))
        {
            var words = instruction.Words;
            if (words.Length > 0 && !words[0].Contains('=', StringComparison.Ordinal))
            {
                // The old form: ENV KEY value with spaces.
                environment[words[0]] = string.Join(' ', words.Skip(1));
                continue;
            }

            foreach (var pair in words)
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0 || pair.Contains('"', StringComparison.Ordinal))
                {
                    throw new FormatException($"Dockerfile line {instruction.Line}: cannot read ENV '{pair}'");
                }

                environment[pair[..equals]] = pair[(equals + 1)..];
            }
        }

        return environment;
    }

    /// <summary>The ENTRYPOINT of a stage, in its JSON (exec) form.</summary>
    public string[] Entrypoint(DockerStage stage)
    {
        var entrypoint = Effective(stage).Last(i => i.Keyword == "ENTRYPOINT");
        return entrypoint.Arguments.StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(entrypoint.Arguments) ?? []
            : throw new FormatException($"Dockerfile line {entrypoint.Line}: ENTRYPOINT is not in exec (JSON) form");
    }

    /// <summary>The URL a stage's HEALTHCHECK command asks for.</summary>
    public Uri HealthCheckUrl(DockerStage stage)
    {
        var check = Effective(stage).LastOrDefault(i => i.Keyword == "HEALTHCHECK")
            ?? throw new InvalidOperationException($"stage '{stage.Name}' has no HEALTHCHECK");
        var url = check.Words.FirstOrDefault(w => w.StartsWith("http://", StringComparison.Ordinal) || w.StartsWith("https://", StringComparison.Ordinal))
            ?? throw new FormatException($"Dockerfile line {check.Line}: HEALTHCHECK names no URL");
        return new Uri(url);
    }

    /// <summary>Logical instructions: comment and blank lines dropped, lines ending in a backslash joined to the next.</summary>
    private static IEnumerable<DockerInstruction> Instructions(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var buffer = new List<string>();
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('#') || (line.Length == 0 && buffer.Count == 0))
            {
                continue;
            }

            if (buffer.Count == 0)
            {
                start = i + 1;
            }

            var continues = line.EndsWith('\\');
            buffer.Add(continues ? line[..^1].Trim() : line);
            if (!continues)
            {
                var joined = string.Join(' ', buffer.Where(b => b.Length > 0));
                buffer.Clear();
                var space = joined.IndexOf(' ', StringComparison.Ordinal);
                yield return space < 0
                    ? new DockerInstruction(joined.ToUpperInvariant(), string.Empty, start)
                    : new DockerInstruction(joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim(), start);
            }
        }
    }
}
