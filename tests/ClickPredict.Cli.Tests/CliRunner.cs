namespace ClickPredict.Cli.Tests;

/// <summary>Runs clickpredict in-process, capturing stdout and stderr; paths to the repo and the shared data.</summary>
internal static class CliRunner
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedData => Path.Combine(RepoRoot, "..", "shared", "data");

    public static string Avazu => Path.Combine(SharedData, "avazu", "avazu_train_head9999.csv");

    public static string Spec(string name) => Path.Combine(RepoRoot, "config", "features", name + ".json");

    /// <summary>A copy of spec <paramref name="name"/> with 2^<paramref name="hashBits"/> slots in <paramref name="dir"/>: the same features, smaller (faster) learner state.</summary>
    public static string SmallSpec(TempDirectory dir, string name, int hashBits = 18)
    {
        var path = dir.File($"{name}-{hashBits}.json");
        File.WriteAllText(path, Core.Features.FeatureSpec.Load(Spec(name)).WithHashBits(hashBits).ToJson());
        return path;
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => Run(false, args);

    /// <summary>Runs with <paramref name="interactive"/> as if stdout were (or were not) a terminal: live progress bars or plain lines.</summary>
    public static (int Exit, string Out, string Err) Run(bool interactive, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CliApp.Run(args, output, error, interactive);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command that must succeed, returning its stdout.</summary>
    public static string Ok(params string[] args)
    {
        var (exit, output, error) = Run(args);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Equal(string.Empty, error);
        return output;
    }

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
