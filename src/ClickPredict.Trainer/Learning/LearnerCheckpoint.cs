using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Training;

namespace ClickPredict.Trainer.Learning;

/// <summary>
/// The learner's checkpoint, <c>{Trainer:StateDirectory}/learner/learner.ckpt</c>: an
/// <see cref="OnlineTrainerState"/> (the FTRL state bit for bit, the examples-topic offsets it covers, the
/// retrain schedule's book-keeping and the lineage counters) in one file replaced atomically, so state
/// and offsets never disagree. Layout: magic <c>CPLEARN\n</c>, int32 length of the JSON header, the
/// header, its XxHash64, then the FTRL checkpoint (which carries its own checksum).
/// </summary>
internal static class LearnerCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "CPLEARN\n"u8;

    public static void Save(OnlineTrainerState state, string path)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.State);
        var header = JsonSerializer.SerializeToUtf8Bytes(state, LearnerJsonContext.Default.OnlineTrainerState);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> scratch = stackalloc byte[8];
            stream.Write(Magic);
            BinaryPrimitives.WriteInt32LittleEndian(scratch, header.Length);
            stream.Write(scratch[..4]);
            stream.Write(header);
            BinaryPrimitives.WriteUInt64LittleEndian(scratch, XxHash64.HashToUInt64(header));
            stream.Write(scratch);
            state.State.Write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a checkpoint; null when there is none. Throws <see cref="InvalidDataException"/> naming the file when it is damaged.</summary>
    public static OnlineTrainerState? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        if (span.Length < Magic.Length + 4 || !span[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"learner checkpoint '{path}' is not a checkpoint (bad magic or truncated)");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span[Magic.Length..]);
        var start = Magic.Length + 4;
        if (length < 2 || start + length + 8 > span.Length)
        {
            throw new InvalidDataException($"learner checkpoint '{path}' is truncated");
        }

        var header = span.Slice(start, length);
        if (XxHash64.HashToUInt64(header) != BinaryPrimitives.ReadUInt64LittleEndian(span[(start + length)..]))
        {
            throw new InvalidDataException($"learner checkpoint '{path}' fails its header checksum");
        }

        try
        {
            var state = JsonSerializer.Deserialize(header, LearnerJsonContext.Default.OnlineTrainerState)
                ?? throw new InvalidDataException($"learner checkpoint '{path}' has an empty header");
            return state with { State = FtrlState.Read(span[(start + length + 8)..]) };
        }
        catch (Exception e) when (e is JsonException or FtrlCheckpointException)
        {
            throw new InvalidDataException($"learner checkpoint '{path}': {e.Message}", e);
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(OnlineTrainerState))]
internal sealed partial class LearnerJsonContext : JsonSerializerContext;
