using ClickPredict.Core.Features;

namespace ClickPredict.Core.Tests;

/// <summary>Paths to the repository's config and to the shared data sets beside the repository.</summary>
internal static class TestData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedData => Path.Combine(RepoRoot, "..", "shared", "data");

    public static string DefaultSpecPath => Path.Combine(RepoRoot, "config", "features", "default.json");

    public static FeatureSpec DefaultSpec() => FeatureSpec.Load(DefaultSpecPath);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClickPredict.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ClickPredict.sln not found above " + AppContext.BaseDirectory);
    }
}
