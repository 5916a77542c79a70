using System.Buffers.Binary;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Tests.Learning;

public class FtrlStateTests
{
    private static readonly FtrlOptions s_options = new() { Alpha = 0.1, Lambda1 = 0.5, Lambda2 = 1, NegativeSamplingRate = 0.5 };

    private readonly SimulatedData _data;

    public FtrlStateTests() => _data = SimulatedData.Shared;

    private void Learn(FtrlLearner learner, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            learner.Learn(_data.Examples.Indices(i), _data.Examples.Label(i), i % 5 == 0 ? 1.5 : 1.0);
        }
    }

    private byte[] Checkpoint(FtrlLearner learner)
    {
        using var stream = new MemoryStream();
        learner.State.Write(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Restore_ThenLearn_ContinuesBitForBit()
    {
        var uninterrupted = new FtrlLearner(_data.Spec, s_options);
        Learn(uninterrupted, 0, 20_000);

        var first = new FtrlLearner(_data.Spec, s_options);
        Learn(first, 0, 10_000);
        var bytes = Checkpoint(first);
        var restored = new FtrlLearner(FtrlState.Read(bytes));
        Assert.True(restored.State.BitEquals(first.State));
        Learn(restored, 10_000, 20_000);

        Assert.True(restored.State.BitEquals(uninterrupted.State));
        Assert.Equal(ModelFile.Serialize(uninterrupted.ToModel()), ModelFile.Serialize(restored.ToModel()));
        Assert.Equal(uninterrupted.Validation.LogLoss, restored.Validation.LogLoss);
        Assert.Equal(20_000, restored.ExamplesSeen);
    }

    [Fact]
    public void Save_Load_RoundTripsThroughAFile()
    {
        var learner = new FtrlLearner(_data.Spec, s_options);
        Learn(learner, 0, 3_000);
        var path = Path.Combine(Path.GetTempPath(), $"ftrl-{Guid.NewGuid():N}.ckpt");
        try
        {
            learner.State.Save(path);
            var back = FtrlState.Load(path);
            Assert.True(back.BitEquals(learner.State));
            Assert.Equal(s_options, back.Options);
            Assert.Equal(_data.Spec.Fingerprint, back.Spec.Fingerprint);
            Assert.Equal(learner.State.TouchedCount(), back.TouchedCount());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_RefusesTruncatedCorruptAndForeignFiles()
    {
        var learner = new FtrlLearner(_data.Spec, s_options);
        Learn(learner, 0, 500);
        var bytes = Checkpoint(learner);

        Assert.Contains("magic", Assert.Throws<FtrlCheckpointException>(() => FtrlState.Read("CPMODEL\x1a-not-a-checkpoint"u8)).Message);
        foreach (var length in new[] { 0, 7, 15, 100, bytes.Length / 2, bytes.Length - 1 })
        {
            var e = Assert.Throws<FtrlCheckpointException>(() => FtrlState.Read(bytes.AsSpan(0, length)));
            Assert.Matches("truncated|magic|header", e.Message);
        }

        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length - 100] ^= 0x40;
        Assert.Contains("checksum", Assert.Throws<FtrlCheckpointException>(() => FtrlState.Read(flipped)).Message);

        var version = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(version.AsSpan(8), 9);
        Assert.Contains("version 9", Assert.Throws<FtrlCheckpointException>(() => FtrlState.Read(version)).Message);

        Assert.Contains("unexpected bytes", Assert.Throws<FtrlCheckpointException>(() => FtrlState.Read([.. bytes, 0])).Message);

        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.ckpt");
        Assert.Contains(missing, Assert.Throws<FtrlCheckpointException>(() => FtrlState.Load(missing)).Message);
    }
}
