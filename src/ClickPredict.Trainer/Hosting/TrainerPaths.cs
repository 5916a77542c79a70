namespace ClickPredict.Trainer.Hosting;

/// <summary>
/// Where the repository's files are: the nearest directory at or above the content root (or the
/// app's own directory) that holds <c>config/trainer.json</c>. Relative paths in the configuration
/// (<c>config/features/default.json</c>, <c>models/registry</c>, <c>state/trainer</c>) are taken from
/// there, so the trainer finds them whether it runs from the repository root, its project folder or a
/// test's output folder.
/// </summary>
internal sealed class TrainerPaths
{
    public const string ConfigFile = "config/trainer.json";

    public TrainerPaths(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    /// <summary><paramref name="path"/> itself when absolute, else relative to <see cref="Root"/>.</summary>
    public string Resolve(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(Root, path));

    /// <summary>The root for a process whose content root is <paramref name="contentRoot"/>.</summary>
    public static TrainerPaths Find(string contentRoot)
    {
        foreach (var start in new[] { contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, ConfigFile)))
                {
                    return new TrainerPaths(dir.FullName);
                }
            }
        }

        return new TrainerPaths(contentRoot);
    }
}
