using System.Buffers.Binary;
using System.IO.Hashing;
using ClickPredict.Core.Events;
using MessagePack;

namespace ClickPredict.Trainer.Joining;

/// <summary>
/// One partition's join state as the joiner checkpoints it: the next offset to read of each input
/// (bids, impressions, clicks), the next offset of the examples partition after the last example it
/// knows delivered, the event clock, every pending auction and the recently finished bid ids. Written
/// as <c>p{partition}.join</c> in <c>{Trainer:StateDirectory}/joiner</c>: magic, MessagePack body,
/// XxHash64 of the body; replaced atomically (temporary file, flush to disk, rename).
/// </summary>
[MessagePackObject]
public sealed class JoinCheckpoint
{
    public const int CurrentVersion = 2;

    private static ReadOnlySpan<byte> Magic => "CPJOIN\x1a\n"u8;

    [Key(0)]
    public int Version { get; set; } = CurrentVersion;

    [Key(1)]
    public int Partition { get; set; }

    /// <summary>Next offset to read per input, indexed by <see cref="JoinTopic"/>; -1 when nothing was read.</summary>
    [Key(2)]
    public long[] NextOffsets { get; set; } = [-1, -1, -1];

    /// <summary>Offset in the examples partition right after the last example known delivered.</summary>
    [Key(3)]
    public long ExamplesNextOffset { get; set; } = -1;

    [Key(4)]
    public long WatermarkMs { get; set; } = long.MinValue;

    /// <summary>Latest event time seen per input.</summary>
    [Key(5)]
    public long[] MaxEventMs { get; set; } = [long.MinValue, long.MinValue, long.MinValue];

    [Key(6)]
    public List<PendingAuction> Pending { get; set; } = [];

    [Key(7)]
    public FinishedBids Finished { get; set; } = new();

    /// <summary>Writes the checkpoint atomically.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            file.Write(Magic);
            // Streamed through the checksum into the file: a large state is never held as one array.
            var hashing = new ChecksumStream(file);
            MessagePackSerializer.Serialize(hashing, this, EventSerializer.Options);
            Span<byte> checksum = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(checksum, hashing.Checksum);
            file.Write(checksum);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static JoinCheckpoint? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 8 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException($"join checkpoint '{path}' is not a checkpoint (bad magic or truncated)");
        }

        var body = bytes.AsMemory(Magic.Length, bytes.Length - Magic.Length - 8);
        if (XxHash64.HashToUInt64(body.Span) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)))
        {
            throw new InvalidDataException($"join checkpoint '{path}' fails its checksum");
        }

        try
        {
            var checkpoint = MessagePackSerializer.Deserialize<JoinCheckpoint>(body, EventSerializer.Options);
            if (checkpoint.Version != CurrentVersion || checkpoint.NextOffsets.Length != 3 || checkpoint.MaxEventMs.Length != 3)
            {
                throw new InvalidDataException($"join checkpoint '{path}' has version {checkpoint.Version}; this build reads {CurrentVersion}");
            }

            if (checkpoint.Finished is not { IsConsistent: true })
            {
                throw new InvalidDataException($"join checkpoint '{path}' has finished-bid arrays of different lengths");
            }

            return checkpoint;
        }
        catch (MessagePackSerializationException e)
        {
            throw new InvalidDataException($"join checkpoint '{path}' does not decode: {e.Message}", e);
        }
    }
}

/// <summary>An auction waiting for its other events or for its attribution window to close.</summary>
[MessagePackObject]
public sealed class PendingAuction
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    /// <summary>The bid event's bytes as logged (decoded only when the auction becomes an example).</summary>
    [Key(1)]
    public byte[]? Bid { get; set; }

    [Key(2)]
    public long BidTimeMs { get; set; }

    [Key(3)]
    public ImpressionEvent? Impression { get; set; }

    /// <summary>Click times seen so far (usually none or one).</summary>
    [Key(4)]
    public List<long>? Clicks { get; set; }

    /// <summary>Event time at which the auction is finished.</summary>
    [Key(5)]
    public long DeadlineMs { get; set; }
}

/// <summary>Whether a finished bid became an example, and when its id is forgotten (event time).</summary>
internal readonly record struct FinishedMark(long ForgetAtMs, bool Emitted);

/// <summary>
/// The finished bid ids a partition remembers, as three flat arrays (id hashes, forget times, emitted
/// flags) stored as raw little-endian bytes: a checkpoint of millions of them is a few memory copies.
/// </summary>
[MessagePackObject]
public sealed class FinishedBids
{
    [Key(0)]
    public byte[] Ids { get; set; } = [];

    [Key(1)]
    public byte[] ForgetAtMs { get; set; } = [];

    [Key(2)]
    public byte[] Emitted { get; set; } = [];

    /// <summary>Entries.</summary>
    [IgnoreMember]
    public int Count => Ids.Length / sizeof(ulong);

    /// <summary>Entry <paramref name="index"/>.</summary>
    [IgnoreMember]
    public (ulong Id, long ForgetAtMs, bool Emitted) this[int index] => (
        BinaryPrimitives.ReadUInt64LittleEndian(Ids.AsSpan(index * sizeof(ulong))),
        BinaryPrimitives.ReadInt64LittleEndian(ForgetAtMs.AsSpan(index * sizeof(long))),
        Emitted[index] != 0);

    /// <summary>Checks that the three arrays describe the same entries.</summary>
    [IgnoreMember]
    public bool IsConsistent => Ids.Length % sizeof(ulong) == 0 && ForgetAtMs.Length == Ids.Length && Emitted.Length == Count;

    internal static FinishedBids From(Dictionary<ulong, FinishedMark> finished)
    {
        var count = finished.Count;
        var ids = new byte[count * sizeof(ulong)];
        var forget = new byte[count * sizeof(long)];
        var emitted = new byte[count];
        var i = 0;
        foreach (var (id, mark) in finished)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(ids.AsSpan(i * sizeof(ulong)), id);
            BinaryPrimitives.WriteInt64LittleEndian(forget.AsSpan(i * sizeof(long)), mark.ForgetAtMs);
            emitted[i] = mark.Emitted ? (byte)1 : (byte)0;
            i++;
        }

        return new FinishedBids { Ids = ids, ForgetAtMs = forget, Emitted = emitted };
    }
}

/// <summary>A write-only stream that passes bytes on to another and keeps their XxHash64.</summary>
internal sealed class ChecksumStream(Stream inner) : Stream
{
    private readonly XxHash64 _hash = new();

    public ulong Checksum => _hash.GetCurrentHashAsUInt64();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.Append(buffer);
        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
