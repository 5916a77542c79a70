using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Training;

namespace ClickPredict.Trainer.Learning;

/// <summary>
/// The learner's checkpoint, <c>{Trainer:StateDirectory}/learner/learner.ckpt</c>: the FTRL state
/// (<see cref="FtrlState"/>, bit for bit) together with the examples-topic offsets it covers and the
/// retrain schedule's book-keeping, in one file replaced atomically, so state and offsets never
/// disagree. Layout: magic <c>CPLEARN\n</c>, int32 length of the JSON header, the header, its
/// XxHash64, then the FTRL checkpoint (which carries its own checksum).
/// </summary>
internal sealed record LearnerCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "CPLEARN\n"u8;

    /// <summary>Per partition, the next offset not yet in the state (the oldest held-out example, or the next to read).</summary>
    public Dictionary<int, long> Offsets { get; init; } = [];

    /// <summary>Per partition, the first offset the state has learned from (the start of its lineage).</summary>
    public Dictionary<int, long> StartOffsets { get; init; } = [];

    /// <summary>Examples learned (FTRL updates) and sampled out.</summary>
    public long Learned { get; init; }

    public long SampledOut { get; init; }

    public long Positives { get; init; }

    public DateTimeOffset? FromUtc { get; init; }

    public DateTimeOffset? ToUtc { get; init; }

    /// <summary>CPU seconds spent since the last publish (learning and rounds), charged to the next model.</summary>
    public double CpuSincePublish { get; init; }

    public SchedulerState Scheduler { get; init; } = new();

    [JsonIgnore]
    public FtrlState? State { get; init; }

    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(State);
        var header = JsonSerializer.SerializeToUtf8Bytes(this, LearnerJsonContext.Default.LearnerCheckpoint);
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
            State.Write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a checkpoint; null when there is none. Throws <see cref="InvalidDataException"/> naming the file when it is damaged.</summary>
    public static LearnerCheckpoint? Load(string path)
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
            var checkpoint = JsonSerializer.Deserialize(header, LearnerJsonContext.Default.LearnerCheckpoint)
                ?? throw new InvalidDataException($"learner checkpoint '{path}' has an empty header");
            var state = FtrlState.Read(span[(start + length + 8)..]);
            return checkpoint with { State = state };
        }
        catch (Exception e) when (e is JsonException or FtrlCheckpointException)
        {
            throw new InvalidDataException($"learner checkpoint '{path}': {e.Message}", e);
        }
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(LearnerCheckpoint))]
internal sealed partial class LearnerJsonContext : JsonSerializerContext;
