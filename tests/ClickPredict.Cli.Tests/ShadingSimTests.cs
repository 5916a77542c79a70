using System.Text.Json;
using ClickPredict.Core.Shading;

namespace ClickPredict.Cli.Tests;

public class ShadingSimTests
{
    [Fact]
    public void ShadingSim_Json_RowsPerPolicy_SameSeedSameFigures()
    {
        var output = CliRunner.Ok("shading-sim", "--auctions", "6000", "--min-observations", "200", "--json");
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(42, root.GetProperty("seed").GetInt32());
        Assert.Equal(6000, root.GetProperty("auctions").GetInt64());
        var policies = root.GetProperty("policies").EnumerateArray().ToList();
        Assert.Equal(["fixed", "learned", "oracle"], policies.Select(p => p.GetProperty("policy").GetString()));
        Assert.Equal(100.0, policies[2].GetProperty("ofOraclePercent").GetDouble());
        Assert.All(policies, p =>
        {
            Assert.Equal(6000, p.GetProperty("auctions").GetInt64());
            var surplus = p.GetProperty("valueWonUsd").GetDouble() - p.GetProperty("spendUsd").GetDouble();
            Assert.Equal(surplus, p.GetProperty("surplusUsd").GetDouble(), 3);
        });
        Assert.True(policies[1].GetProperty("surplusUsd").GetDouble() > policies[0].GetProperty("surplusUsd").GetDouble());
        Assert.Equal(9, root.GetProperty("byExchange").GetArrayLength());
        var learner = root.GetProperty("learner");
        Assert.Equal(policies[1].GetProperty("bids").GetInt64(), learner.GetProperty("modelBids").GetInt64() + learner.GetProperty("fallbackBids").GetInt64());
        Assert.Equal(3, learner.GetProperty("exchanges").GetArrayLength());

        Assert.Equal(output, CliRunner.Ok("shading-sim", "--auctions", "6000", "--min-observations", "200", "--json"));
        Assert.NotEqual(output, CliRunner.Ok("shading-sim", "--auctions", "6000", "--min-observations", "200", "--json", "--seed", "7"));
    }

    [Fact]
    public void ShadingSim_TheDocumentedRun_MeetsTheBar_WithTheDocumentedFigures()
    {
        // The exact command of docs/BENCHMARKS.md (First-price bid shading): the figures there, kept true.
        var root = JsonDocument.Parse(CliRunner.Ok("shading-sim", "--json")).RootElement;
        var policies = root.GetProperty("policies").EnumerateArray().ToDictionary(p => p.GetProperty("policy").GetString()!);
        var (fixedFactor, learned, oracle) = (policies["fixed"], policies["learned"], policies["oracle"]);
        Assert.Equal(200_000, root.GetProperty("auctions").GetInt64());
        Assert.Equal(582.594, fixedFactor.GetProperty("surplusUsd").GetDouble(), 2);
        Assert.Equal(861.2904, learned.GetProperty("surplusUsd").GetDouble(), 2);
        Assert.Equal(878.2387, oracle.GetProperty("surplusUsd").GetDouble(), 2);
        // The bar: at least 95% of the oracle's surplus, and at least 5% above the fixed factor's.
        Assert.True(learned.GetProperty("ofOraclePercent").GetDouble() >= 95);
        Assert.True(learned.GetProperty("surplusUsd").GetDouble() >= 1.05 * fixedFactor.GetProperty("surplusUsd").GetDouble());
    }

    [Fact]
    public void ShadingSim_Table_NamesEveryPolicy_AndSavesTheLearnedModel()
    {
        using var directory = new TempDirectory();
        var path = directory.File("winrate.cpw");
        var output = CliRunner.Ok("shading-sim", "--auctions", "3000", "--by-exchange", "--save-model", path);
        foreach (var text in new[] { "fixed", "learned", "oracle", "of oracle", "fp-sealed", "replayed 3,000 first-price auctions", "wrote the learned win-rate model" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }

        var model = WinRateModelFile.Load(path);
        Assert.Equal(["fp-open", "fp-sealed", "fp-thin"], model.Exchanges.Select(e => e.Name));
    }

    [Theory]
    [InlineData("--fixed-factor", "1.5", 1, "--fixed-factor must be at most 1")]
    [InlineData("--exploration", "1", 1, "--exploration must be below 1")]
    [InlineData("--auctions", "0", 2, "--auctions must be at least 1")]
    [InlineData("--max-cpm", "-2", 2, "--max-cpm must be a finite number > 0")]
    public void ShadingSim_BadArguments_OneLineError(string option, string value, int exit, string message)
    {
        var (code, output, error) = CliRunner.Run("shading-sim", option, value);
        Assert.Equal(exit, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}
