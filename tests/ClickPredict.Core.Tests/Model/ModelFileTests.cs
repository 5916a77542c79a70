using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Tests.Model;

public class ModelFileTests
{
    private static readonly FeatureSpec s_spec = FeatureSpec.Parse("""
        { "name": "small", "schema": "openrtb", "hashBits": 18, "seed": 9,
          "fields": ["site.domain", "creative.id", "imp.bidfloor"], "crosses": [["site.domain", "creative.id"]],
          "buckets": { "imp.bidfloor": { "kind": "edges", "edges": [0.1, 1, 10] } } }
        """);

    private static ModelInfo Info() => new()
    {
        ModelId = "ctr",
        Version = 7,
        Parent = "ctr@6",
        CreatedUtc = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
        Algorithm = "ftrl",
        HyperParameters = new Dictionary<string, double> { ["alpha"] = 0.05, ["l1"] = 1.0 },
        NegativeSamplingRate = 0.5,
        TrainingData = new TrainingDataInfo { Source = "clickpredict.examples", Rows = 1234, Positives = 56, FromUtc = DateTimeOffset.UnixEpoch, ToUtc = DateTimeOffset.UnixEpoch.AddHours(1), Offsets = "t/0:0-1233" },
        Metrics = new Dictionary<string, double> { ["logLoss"] = 0.123, ["auc"] = 0.71 },
        Cost = new TrainingCost { CpuSeconds = 1.5, WallSeconds = 2.5, ExamplesSeen = 2468 },
        Notes = "round trip",
    };

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.01)]
    public void Serialize_Deserialize_RoundTripsEverything(double density)
    {
        var model = LogisticModelTests.RandomModel(s_spec, density: density, negativeRate: 0.5).WithInfo(Info());
        var bytes = ModelFile.Serialize(model);
        var back = ModelFile.Deserialize(bytes);
        Assert.Equal(model.Info.ModelId, back.Info.ModelId);
        Assert.Equal(7, back.Info.Version);
        Assert.Equal("ctr@6", back.Info.Parent);
        Assert.Equal(model.Info.CreatedUtc, back.Info.CreatedUtc);
        Assert.Equal(0.05, back.Info.HyperParameters["alpha"]);
        Assert.Equal(0.5, back.Info.NegativeSamplingRate);
        Assert.Equal(model.Info.TrainingData, back.Info.TrainingData);
        Assert.Equal(0.71, back.Info.Metrics["auc"]);
        Assert.Equal(model.Info.Cost, back.Info.Cost);
        Assert.Equal(s_spec.Fingerprint, back.Spec.Fingerprint);
        Assert.Equal("small", back.Spec.Name);
        Assert.Equal(model.Bias, back.Bias);
        Assert.Equal(model.NonZeroCount, back.NonZeroCount);
        for (var i = 0; i < s_spec.Size; i++)
        {
            Assert.Equal(model.Weight(i), back.Weight(i));
        }

        // A sparse model writes a sparse file: about 8 bytes per non-zero weight.
        if (density < 0.1)
        {
            Assert.True(bytes.Length < s_spec.Size);
        }
    }

    [Fact]
    public void SaveAndLoad_UseTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cp-model-{Guid.NewGuid():N}.cpm");
        try
        {
            var model = LogisticModelTests.RandomModel(s_spec, density: 0.1).WithInfo(Info());
            ModelFile.Save(model, path);
            Assert.Equal(model.Weight(12345), ModelFile.Load(path).Weight(12345));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Load("/nonexistent/model.cpm"));
        Assert.Contains("/nonexistent/model.cpm", e.Message);
    }

    [Fact]
    public void Deserialize_EveryTruncation_IsRefused()
    {
        var bytes = ModelFile.Serialize(LogisticModelTests.RandomModel(s_spec, density: 0.001).WithInfo(Info()));
        for (var length = 0; length < bytes.Length; length += length < 600 ? 1 : 97)
        {
            var e = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes.AsSpan(0, length)));
            Assert.True(
                e.Message.Contains("truncated", StringComparison.Ordinal) || e.Message.Contains("bad magic", StringComparison.Ordinal),
                $"length {length}: {e.Message}");
        }
    }

    [Fact]
    public void Deserialize_AnyFlippedByte_IsRefused()
    {
        var bytes = ModelFile.Serialize(LogisticModelTests.RandomModel(s_spec, density: 0.001).WithInfo(Info()));
        var random = new Random(1);
        for (var trial = 0; trial < 300; trial++)
        {
            var copy = (byte[])bytes.Clone();
            var at = trial < 100 ? trial : random.Next(copy.Length);
            copy[at] ^= (byte)(1 + random.Next(255));
            Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(copy));
        }
    }

    [Fact]
    public void Deserialize_NotAModel_SaysSo()
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(Encoding.UTF8.GetBytes("{\"json\": true, \"padding\": \"..........\"}")));
        Assert.Contains("not a ClickPredict model file", e.Message);
    }

    [Fact]
    public void Deserialize_OtherFormatVersion_SaysWhichVersions()
    {
        var bytes = ModelFile.Serialize(LogisticModelTests.RandomModel(s_spec, density: 0.001));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        Reseal(bytes);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes));
        Assert.Contains("format version 2 is not supported (this build reads version 1)", e.Message);
    }

    [Fact]
    public void Deserialize_TrailingBytes_AreRefused()
    {
        var bytes = ModelFile.Serialize(LogisticModelTests.RandomModel(s_spec, density: 0.001));
        var longer = bytes.Concat(new byte[] { 0 }).ToArray();
        Assert.Contains("unexpected bytes", Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(longer)).Message);
    }

    [Fact]
    public void Deserialize_FingerprintThatDoesNotMatchTheSpec_IsRefused()
    {
        var bytes = ModelFile.Serialize(LogisticModelTests.RandomModel(s_spec, density: 0.001));
        var text = Encoding.UTF8.GetString(bytes);
        var fingerprint = s_spec.FingerprintHex;
        var at = text.IndexOf(fingerprint, StringComparison.Ordinal);
        Encoding.UTF8.GetBytes("0000000000000000").CopyTo(bytes, at);
        Reseal(bytes);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes));
        Assert.Contains("does not match the embedded spec", e.Message);
    }

    [Fact]
    public void Deserialize_NonFiniteWeight_IsRefusedEvenWithAValidChecksum()
    {
        var model = LogisticModelTests.RandomModel(s_spec, density: 1.0);
        var bytes = ModelFile.Serialize(model);
        // The last weight sits just before the checksum.
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(bytes.Length - 12), float.PositiveInfinity);
        Reseal(bytes);
        var e = Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes));
        Assert.Contains("is not finite", e.Message);
    }

    [Fact]
    public void Deserialize_CorruptBody_ReportsTheChecksum()
    {
        var bytes = ModelFile.Serialize(LogisticModelTests.RandomModel(s_spec, density: 1.0));
        bytes[bytes.Length - 100] ^= 0x40;
        Assert.Contains("checksum mismatch", Assert.Throws<ModelFormatException>(() => ModelFile.Deserialize(bytes)).Message);
    }

    /// <summary>Recomputes the trailing checksum after a deliberate edit, to reach the checks behind it.</summary>
    private static void Reseal(byte[] bytes) =>
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, bytes.Length - 8)));
}
