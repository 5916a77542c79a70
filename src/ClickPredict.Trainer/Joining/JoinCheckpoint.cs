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
    public const int CurrentVersion = 1;

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
    public List<FinishedBid> Finished { get; set; } = [];

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

/// <summary>A finished bid id kept to recognise duplicates and late events.</summary>
[MessagePackObject]
public sealed class FinishedBid
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    [Key(1)]
    public long ForgetAtMs { get; set; }

    /// <summary>Whether it became an example (else it timed out unmatched).</summary>
    [Key(2)]
    public bool Emitted { get; set; }
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
