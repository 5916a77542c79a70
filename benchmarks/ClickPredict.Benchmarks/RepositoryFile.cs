namespace ClickPredict.Benchmarks;

/// <summary>Finds a file of this repository from wherever BenchmarkDotNet runs the benchmark process.</summary>
internal static class RepositoryFile
{
    /// <summary>
    /// The full path of <paramref name="relativePath"/> (e.g. <c>config/features/default.json</c>),
    /// looked for in the current directory, the program's directory, and their parents.
    /// </summary>
    public static string Find(string relativePath)
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException(
            $"'{relativePath}' was not found in '{Environment.CurrentDirectory}', '{AppContext.BaseDirectory}' or any parent; run from the repository");
    }
}
