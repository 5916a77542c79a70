using System.Text.Json;

namespace ClickPredict.Cli.Tests;

public class RetrainSimTests
{
    private const string Config = """
        {
          "RetrainPolicy": { "MinNewExamples": 100, "WindowExamples": 500, "MinWindowExamples": 200, "EarlyMinSeconds": 0 },
          "RetrainSim": {
            "Examples": 3000, "WarmupExamples": 1000, "HoldoutExamples": 300, "CheckEveryExamples": 100, "Seed": 5, "DriftPerDay": 24,
            "Policies": {
              "fixed-10s": { "IntervalSeconds": 10, "MinImprovement": 0, "DegradationThreshold": 0, "DriftPsiThreshold": 0, "MinWeightChange": 0 },
              "adaptive": { "IntervalSeconds": 600, "DegradationThreshold": 0.01, "MinWeightChange": 0.01 }
            }
          }
        }
        """;

    [Fact]
    public void RetrainSim_Json_PrintsOneRowPerPolicy()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "trainer.json");
        File.WriteAllText(config, Config);

        var output = CliRunner.Ok("retrain-sim", "--config", config, "--features", CliRunner.Spec("default"), "--json");
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["fixed-10s", "adaptive"], rows.Select(r => r.GetProperty("policy").GetString()));
        var fixedRow = rows[0];
        Assert.True(fixedRow.GetProperty("fixed").GetBoolean());
        Assert.False(rows[1].GetProperty("fixed").GetBoolean());
        // 3000 examples at 50 per simulated second are 60 s: about six 10 s rounds.
        Assert.InRange(fixedRow.GetProperty("trainings").GetInt32(), 4, 7);
        Assert.All(rows, r =>
        {
            Assert.Equal(3000, r.GetProperty("examples").GetInt64());
            Assert.InRange(r.GetProperty("servingLogLoss").GetDouble(), 0.05, 1.0);
            Assert.True(r.GetProperty("published").GetInt32() <= r.GetProperty("trainings").GetInt32());
        });
        Assert.Equal(0, fixedRow.GetProperty("vsBestFixedPercent").GetDouble());
    }

    [Fact]
    public void RetrainSim_Table_NamesEveryPolicy()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "trainer.json");
        File.WriteAllText(config, Config);

        var output = CliRunner.Ok("retrain-sim", "--config", config, "--features", CliRunner.Spec("default"), "--examples", "1000", "--policies", "adaptive");
        Assert.Contains("adaptive", output, StringComparison.Ordinal);
        Assert.DoesNotContain("fixed-10s", output, StringComparison.Ordinal);
        Assert.Contains("serving", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--policies", "nope", "--policies names 'nope'")]
    [InlineData("--examples", "0", "--examples must be at least 1")]
    public void RetrainSim_BadArguments_OneLineError(string option, string value, string message)
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "trainer.json");
        File.WriteAllText(config, Config);

        var (exit, _, error) = CliRunner.Run("retrain-sim", "--config", config, "--features", CliRunner.Spec("default"), option, value);
        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RetrainSim_BadPolicyValue_NamesItsKey()
    {
        using var directory = new TempDirectory();
        var config = Path.Combine(directory.Path, "trainer.json");
        File.WriteAllText(config, Config.Replace("\"IntervalSeconds\": 600", "\"IntervalSeconds\": -1", StringComparison.Ordinal));

        var (exit, _, error) = CliRunner.Run("retrain-sim", "--config", config, "--features", CliRunner.Spec("default"));
        Assert.Equal(1, exit);
        Assert.Contains("RetrainSim:Policies:adaptive:IntervalSeconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public void RetrainSim_ShippedConfig_HasTheComparedPolicies()
    {
        var (exit, output, error) = CliRunner.Run("retrain-sim", "--config", Path.Combine(CliRunner.RepoRoot, "config", "trainer.json"), "--examples", "600", "--warmup", "300", "--holdout", "100", "--json");
        Assert.True(exit == 0, error);
        var names = JsonDocument.Parse(output).RootElement.EnumerateArray().Select(r => r.GetProperty("policy").GetString()).ToList();
        Assert.Contains("adaptive", names);
        Assert.Contains("fixed-5m", names);
    }
}
