using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// The model the bidder benchmarks score with: <c>models/default.cpm</c> when the repository has it,
/// otherwise a stand-in of the same shape as a trained one (the repository's feature spec at its 22
/// hash bits, 300,000 non-zero weights at seeded random slots, so the sparse layout a trained
/// L1-regularised model gets), which is what scoring costs depend on.
/// </summary>
internal static class BenchmarkModel
{
    public static string RepoRoot { get; } = FindRoot();

    public static string CampaignsPath => Path.Combine(RepoRoot, "config", "campaigns.json");

    public static LogisticModel Load(out string description)
    {
        var shipped = Path.Combine(RepoRoot, "models", "default.cpm");
        if (File.Exists(shipped))
        {
            var model = ModelFile.Load(shipped);
            description = "models/default.cpm: " + model;
            return model;
        }

        var synthetic = Synthetic();
        description = "synthetic stand-in: " + synthetic;
        return synthetic;
    }

    public static LogisticModel Synthetic(int nonZero = 300_000, int seed = 7)
    {
        var spec = FeatureSpec.Load(Path.Combine(RepoRoot, "config", "features", "default.json"));
        var random = new Random(seed);
        var indices = new HashSet<int>();
        while (indices.Count < nonZero)
        {
            indices.Add(random.Next(spec.Size));
        }

        var sorted = indices.Order().ToArray();
        var values = sorted.Select(_ => (float)((random.NextDouble() * 2 - 1) * 0.3)).ToArray();
        var info = new ModelInfo { ModelId = "ctr-bench", Algorithm = "synthetic", Notes = "benchmark stand-in, random weights" };
        return LogisticModel.CreateSparse(info, spec, Logistic.Logit(0.03), sorted, values);
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ClickPredict.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("ClickPredict.sln not found above the working directory");
    }
}
