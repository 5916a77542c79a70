using System.Text.RegularExpressions;

namespace ClickPredict.Cli.Tests.Docker;

/// <summary>
/// The repository's <c>.dockerignore</c>: which context paths a docker build never sees. Patterns are
/// read as Docker reads them (relative to the context root, <c>*</c> within one path segment,
/// <c>**</c> across segments, a matched directory takes its contents with it); exceptions
/// (<c>!pattern</c>) are not supported and fail the read.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(string Pattern, Regex Regex)> _patterns = [];

    public DockerIgnore(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('!'))
            {
                throw new FormatException($".dockerignore: exceptions ('{line}') are not supported by the tests");
            }

            var pattern = line.Trim('/');
            _patterns.Add((pattern, new Regex("^" + ToRegex(pattern) + "(/.*)?$", RegexOptions.CultureInvariant)));
        }
    }

    public IReadOnlyList<string> Patterns => [.. _patterns.Select(p => p.Pattern)];

    public static DockerIgnore Load() =>
        new(File.Exists(DockerfileModel.IgnorePath) ? File.ReadAllLines(DockerfileModel.IgnorePath) : []);

    /// <summary>Whether the context path <paramref name="relativePath"/> (forward slashes, no leading slash) is left out.</summary>
    public bool Excludes(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        return _patterns.Any(p => p.Regex.IsMatch(path));
    }

    private static string ToRegex(string pattern)
    {
        var regex = Regex.Escape(pattern);
        // Regex.Escape writes * as \* and ? as \?; "**/" may match no segment at all.
        return regex
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
    }
}
