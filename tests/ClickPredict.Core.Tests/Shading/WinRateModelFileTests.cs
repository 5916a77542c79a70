using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ClickPredict.Core.Model;
using ClickPredict.Core.Shading;

namespace ClickPredict.Core.Tests.Shading;

public class WinRateModelFileTests
{
    private static WinRateModel Model()
    {
        var (learner, _) = WinRateLearnerTests.Learn(3000, minToWin: true);
        var other = learner.Track("y");
        learner.Observe(new ShadingContext(other, 320, 50, 0.3, 4, 4, true), 0.5, won: false);
        return learner.ToModel(new WinRateModelInfo
        {
            Version = 4,
            Parent = "winrate@3",
            CreatedUtc = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            FromUtc = new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.Zero),
            ToUtc = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero),
            Notes = "round trip",
        });
    }

    [Fact]
    public void Serialize_Deserialize_PredictsExactlyTheSame()
    {
        var model = Model();
        var back = WinRateModelFile.Deserialize(WinRateModelFile.Serialize(model));
        Assert.Equal(model.Info.Label, back.Info.Label);
        Assert.Equal("winrate@3", back.Info.Parent);
        Assert.Equal(model.Info.CreatedUtc, back.Info.CreatedUtc);
        Assert.Equal(model.Info.ToUtc, back.Info.ToUtc);
        Assert.Equal("round trip", back.Info.Notes);
        Assert.Equal(3001, back.Info.Observations);
        Assert.Equal(model.Info.Metrics["winLogLoss"], back.Info.Metrics["winLogLoss"]);
        Assert.Equal(model.Info.HyperParameters, back.Info.HyperParameters);
        Assert.Equal(model.Exchanges, back.Exchanges);
        Assert.Equal(model.HashBits, back.HashBits);
        Assert.Equal(model.NonZeroSlots(), back.NonZeroSlots());
        var random = new Random(5);
        foreach (var exchange in model.Exchanges)
        {
            for (var i = 0; i < 500; i++)
            {
                var context = new ShadingContext(exchange.Key, random.Next(2) == 0 ? 300 : 728, random.Next(2) == 0 ? 250 : 90, random.NextDouble(), random.Next(24), random.Next(1, 8), random.Next(2) == 0);
                Assert.Equal(model.Curve(context), back.Curve(context));
            }
        }
    }

    [Fact]
    public void SaveAndLoad_UseTheFile_Atomically()
    {
        var directory = Directory.CreateTempSubdirectory("cp-winrate-");
        try
        {
            var path = Path.Combine(directory.FullName, "winrate.cpw");
            var model = Model();
            WinRateModelFile.Save(model, path);
            Assert.Equal(["winrate.cpw"], Directory.GetFiles(directory.FullName).Select(Path.GetFileName));
            var context = new ShadingContext(ShadingContext.KeyOf("x"), 300, 250, 0.1, 13, 2, false);
            Assert.Equal(model.Curve(context), WinRateModelFile.Load(path).Curve(context));
            var missing = Assert.Throws<ModelFormatException>(() => WinRateModelFile.Load(Path.Combine(directory.FullName, "none.cpw")));
            Assert.Contains("cannot read", missing.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Deserialize_AnyFlippedByte_IsRefused()
    {
        var bytes = WinRateModelFile.Serialize(Model());
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x20;
            Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(copy));
        }
    }

    [Fact]
    public void Deserialize_EveryTruncation_IsRefused()
    {
        var bytes = WinRateModelFile.Serialize(Model());
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(bytes.AsSpan(0, length)));
        }

        var longer = new byte[bytes.Length + 1];
        bytes.CopyTo(longer, 0);
        Assert.Contains("unexpected bytes", Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(longer)).Message);
    }

    [Fact]
    public void Deserialize_TheCtrModelsFile_IsNotAWinRateModel()
    {
        var e = Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize("CPMODEL\x1a\x01\x00\x00\x00"u8));
        Assert.Contains("not a ClickPredict win-rate model", e.Message);
    }

    [Theory]
    [InlineData("\"exchange*hour\"", "\"exchange*minute\"", "are not the ones this build computes")]
    [InlineData("\"hashBits\":14,\"seed\"", "\"hashBits\":30,\"seed\"", "hashBits 30")]
    [InlineData("\"wins\":", "\"wins\":9999999,\"was\":", "inconsistent counts")]
    [InlineData("\"name\":\"x\"", "\"name\":\"z\"", "not its name's")]
    public void Deserialize_AHeaderThatLies_IsRefused_EvenWithAGoodChecksum(string from, string to, string message)
    {
        var e = Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(Rewrite(WinRateModelFile.Serialize(Model()), from, to)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Deserialize_ANonFiniteWeight_IsRefused_EvenWithAGoodChecksum()
    {
        var bytes = WinRateModelFile.Serialize(Model());
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        var firstEntry = 16 + headerLength + 4;
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(firstEntry + 4), double.NaN);
        Reseal(bytes);
        Assert.Contains("not finite", Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(bytes)).Message);

        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(firstEntry + 4), 0.5);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(firstEntry), 1u << 20);
        Reseal(bytes);
        Assert.Contains("out of range", Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(bytes)).Message);
    }

    [Fact]
    public void Deserialize_AnotherVersion_IsRefusedByNumber()
    {
        var bytes = WinRateModelFile.Serialize(Model());
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        Reseal(bytes);
        Assert.Contains("version 2 is not supported", Assert.Throws<ModelFormatException>(() => WinRateModelFile.Deserialize(bytes)).Message);
    }

    /// <summary>The file with its JSON header edited (first occurrence) and a valid checksum.</summary>
    private static byte[] Rewrite(byte[] file, string from, string to)
    {
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        var header = Encoding.UTF8.GetString(file, 16, headerLength);
        var at = header.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{from}' not in the header {header}");
        var edited = Encoding.UTF8.GetBytes(string.Concat(header.AsSpan(0, at), to, header.AsSpan(at + from.Length)));
        var rest = file.AsSpan(16 + headerLength);
        var result = new byte[16 + edited.Length + rest.Length];
        file.AsSpan(0, 16).CopyTo(result);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(12), edited.Length);
        edited.CopyTo(result, 16);
        rest.CopyTo(result.AsSpan(16 + edited.Length));
        Reseal(result);
        return result;
    }

    private static void Reseal(byte[] file) =>
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(file.Length - 8), XxHash64.HashToUInt64(file.AsSpan(0, file.Length - 8)));
}
