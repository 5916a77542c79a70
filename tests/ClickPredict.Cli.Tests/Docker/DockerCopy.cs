using System.Text.Json;

namespace ClickPredict.Cli.Tests.Docker;

/// <summary>
/// A COPY instruction: sources, destination, and the stage it copies from (<c>--from=</c>); without
/// one the sources are paths in the build context, i.e. in the repository.
/// </summary>
internal sealed record DockerCopy(IReadOnlyList<string> Sources, string Destination, string? FromStage, int Line)
{
    public bool FromContext => FromStage is null;

    public static DockerCopy Parse(DockerInstruction instruction)
    {
        var rest = instruction.Arguments;
        string? from = null;
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            var end = rest.IndexOf(' ', StringComparison.Ordinal);
            var flag = end < 0 ? rest : rest[..end];
            if (flag.StartsWith("--from=", StringComparison.Ordinal))
            {
                from = flag["--from=".Length..];
            }

            rest = end < 0 ? string.Empty : rest[(end + 1)..].TrimStart();
        }

        var paths = rest.StartsWith('[')
            ? JsonSerializer.Deserialize<string[]>(rest) ?? []
            : rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (paths.Length < 2)
        {
            throw new FormatException($"Dockerfile line {instruction.Line}: COPY needs a source and a destination");
        }

        return new DockerCopy(paths[..^1], paths[^1], from, instruction.Line);
    }

    /// <summary>
    /// Where <paramref name="source"/> lands in the image, as Docker copies: a directory's contents go
    /// into the destination; a file goes into it when it ends in '/' (or there are several sources),
    /// else becomes it. Relative destinations are taken from <paramref name="workdir"/>.
    /// </summary>
    public string Target(string source, bool sourceIsDirectory, string workdir)
    {
        var destination = Destination;
        if (!sourceIsDirectory && (destination.EndsWith('/') || Sources.Count > 1))
        {
            destination = destination.TrimEnd('/') + "/" + System.IO.Path.GetFileName(source.TrimEnd('/'));
        }

        return ImagePath(workdir, destination);
    }

    /// <summary><paramref name="path"/> as a normalised absolute path in the image, relative paths taken from <paramref name="workdir"/>.</summary>
    public static string ImagePath(string workdir, string path)
    {
        var full = path.StartsWith('/') ? path : workdir.TrimEnd('/') + "/" + path;
        var parts = new List<string>();
        foreach (var part in full.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}
