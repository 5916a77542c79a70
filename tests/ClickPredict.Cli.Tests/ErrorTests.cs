namespace ClickPredict.Cli.Tests;

/// <summary>Every failure is one line on stderr starting "error:", nothing on stdout, and a non-zero exit.</summary>
public class ErrorTests
{
    private static readonly string s_default = CliRunner.Spec("default");

    private static void AssertOneLineError(string[] args, int exit, params string[] mentions)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(exit, code);
        Assert.Equal(string.Empty, output);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, lines[0]);
        }
    }

    [Fact]
    public void UnreadableDataFile_IsOneLine()
    {
        using var dir = new TempDirectory();
        var missing = dir.File("missing.csv");
        AssertOneLineError(["fit", "--data", missing, "--format", "avazu", "--features", CliRunner.Spec("avazu"), "--out", dir.File("m.cpm")], 1, missing, "cannot open");
        Assert.False(File.Exists(dir.File("m.cpm")));
    }

    [Fact]
    public void MalformedRow_NamesTheLine()
    {
        using var dir = new TempDirectory();
        var bad = dir.File("bad.csv");
        var lines = File.ReadLines(CliRunner.Avazu).Take(30).ToList();
        lines.Add("this,is,not,an,avazu,row");
        File.WriteAllLines(bad, lines);
        AssertOneLineError(["fit", "--data", bad, "--format", "avazu", "--features", CliRunner.Spec("avazu"), "--out", dir.File("m.cpm")], 1, "bad.csv:31");
    }

    [Fact]
    public void WrongFormatForTheFile_IsOneLine()
    {
        using var dir = new TempDirectory();
        // An Avazu CSV read as events is not MessagePack.
        AssertOneLineError(["fit", "--data", CliRunner.Avazu, "--format", "events", "--features", s_default, "--out", dir.File("m.cpm")], 1, "avazu_train_head9999.csv");
        // A spec whose schema does not match the format.
        AssertOneLineError(["fit", "--data", CliRunner.Avazu, "--format", "avazu", "--features", s_default, "--out", dir.File("m.cpm")], 1, "schema 'openrtb'", "'avazu'");
    }

    [Theory]
    [InlineData("--format", "parquet", "parquet")]
    [InlineData("--algo", "xgboost", "xgboost")]
    [InlineData("--holdout-fraction", "1.5", "--holdout-fraction")]
    [InlineData("--passes", "0", "--passes")]
    [InlineData("--alpha", "-1", "--alpha")]
    [InlineData("--l1", "NaN", "--l1")]
    [InlineData("--negative-rate", "0", "--negative-rate")]
    public void BadOption_IsAUsageError(string option, string value, string mention)
    {
        using var dir = new TempDirectory();
        var args = new List<string> { "fit", "--data", CliRunner.Avazu, "--format", "avazu", "--features", CliRunner.Spec("avazu"), "--out", dir.File("m.cpm") };
        var at = args.IndexOf(option);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        AssertOneLineError([.. args], 2, mention);
    }

    [Fact]
    public void MissingOptionsAndUnknownCommands_AreUsageErrors()
    {
        AssertOneLineError(["fit", "--data", CliRunner.Avazu], 2, "--format", "--features", "--out");
        AssertOneLineError(["frobnicate"], 2, "frobnicate");
        AssertOneLineError(["evaluate", "--model", "m.cpm", "--data", "x", "--format", "avazu", "--bins", "0"], 2, "--bins");
    }

    [Fact]
    public void FtrlOnlyOptionsWithABatchLearner_AreRefused()
    {
        using var dir = new TempDirectory();
        AssertOneLineError(["fit", "--data", CliRunner.Avazu, "--format", "avazu", "--features", CliRunner.Spec("avazu"), "--algo", "lbfgs", "--passes", "3", "--out", dir.File("m.cpm")], 1, "ftrl only");
    }

    [Fact]
    public void CorruptOrMissingModel_IsOneLine()
    {
        using var dir = new TempDirectory();
        var junk = dir.File("junk.cpm");
        File.WriteAllText(junk, "not a model");
        AssertOneLineError(["evaluate", "--model", junk, "--data", CliRunner.Avazu, "--format", "avazu"], 1, "junk.cpm", "not a ClickPredict model");
        AssertOneLineError(["export-onnx", "--model", dir.File("none.cpm"), "--out", dir.File("x.onnx")], 1, "none.cpm", "cannot read");
    }

    [Fact]
    public void BadFeatureSpec_IsOneLine()
    {
        using var dir = new TempDirectory();
        var spec = dir.File("spec.json");
        File.WriteAllText(spec, """{ "schema": "avazu", "hashBits": 40, "fields": ["site_id"] }""");
        AssertOneLineError(["fit", "--data", CliRunner.Avazu, "--format", "avazu", "--features", spec, "--out", dir.File("m.cpm")], 1, "spec.json", "hashBits");
    }
}
