using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>Small OpenRTB models for tests: the repository's feature spec at 18 hash bits, seeded random weights.</summary>
public static class TestModels
{
    private static readonly Lazy<FeatureSpec> s_spec = new(() =>
    {
        var spec = FeatureSpec.Load(Path.Combine(Repo.Root, "config", "features", "default.json"));
        return spec.WithHashBits(18);
    });

    public static FeatureSpec Spec => s_spec.Value;

    /// <summary>A model around a 3% base rate (like the simulator's) whose weights depend on <paramref name="seed"/>.</summary>
    public static LogisticModel Create(int seed, string modelId = "ctr-test", double baseCtr = 0.03, double spread = 0.4, int nonZero = 4000)
    {
        var random = new Random(seed);
        var indices = new HashSet<int>();
        while (indices.Count < nonZero)
        {
            indices.Add(random.Next(Spec.Size));
        }

        var sorted = indices.Order().ToArray();
        var values = sorted.Select(_ => (float)((random.NextDouble() * 2 - 1) * spread)).ToArray();
        var info = new ModelInfo
        {
            ModelId = modelId,
            Version = 1,
            Algorithm = "test",
            CreatedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(seed),
            Notes = $"test model, seed {seed}",
        };
        return LogisticModel.CreateSparse(info, Spec, Logistic.Logit(baseCtr), sorted, values);
    }

    /// <summary>Publishes a model into <paramref name="registryPath"/> and makes it the champion.</summary>
    public static RegistryEntry Publish(string registryPath, LogisticModel model, string reason = "test") =>
        new ModelRegistry(registryPath).Publish(model, reason);
}
