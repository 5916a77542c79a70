using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Learning;

/// <summary>
/// The checkpoint file, version 1. All integers little-endian.
/// <code>
/// offset  size  content
/// 0       8     magic "CPFTRL\x1a\n"
/// 8       2     format version (1)
/// 10      2     reserved (0)
/// 12      4     header length H
/// 16      H     header: UTF-8 JSON {"featureSpec": spec, "featureSpecFingerprint": hex, "options": {...}}
/// 16+H    72    bias z, bias n (float64); examples seen (int64); validation count, positives (int64),
///               weight sum, loss sum, prediction sum, positive weight (float64)
///         4     N, coordinates stored
///         20*N  (uint32 index ascending, float64 z, float64 sqrt(n)) for every touched coordinate
/// end-8   8     XxHash64 of every byte before it
/// </code>
/// Every double is stored as its bits, so a restored state is identical to the saved one.
/// </summary>
public sealed partial class FtrlState
{
    public const ushort FormatVersion = 1;

    private const int PreambleBytes = 16;
    private const int CountersBytes = 72;
    private const int EntryBytes = 20;
    private const int ChecksumBytes = 8;
    private const int MaxHeaderBytes = 1 << 20;

    private static ReadOnlySpan<byte> Magic => "CPFTRL\x1a\n"u8;

    /// <summary>Writes a checkpoint to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Writes a checkpoint to <paramref name="stream"/>, streaming the coordinates.</summary>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var hash = new XxHash64();
        var header = WriteHeader();
        var buffer = new byte[64 * 1024];
        var span = buffer.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], 0);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], header.Length);
        Emit(stream, hash, span[..PreambleBytes]);
        Emit(stream, hash, header);

        var at = 0;
        WriteDouble(span, ref at, BiasZ);
        WriteDouble(span, ref at, BiasN);
        WriteLong(span, ref at, ExamplesSeen);
        WriteLong(span, ref at, Validation.Count);
        WriteLong(span, ref at, Validation.Positives);
        WriteDouble(span, ref at, Validation.WeightSum);
        WriteDouble(span, ref at, Validation.LossSum);
        WriteDouble(span, ref at, Validation.PredictionSum);
        WriteDouble(span, ref at, Validation.PositiveWeight);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], TouchedCount());
        at += 4;
        for (var i = 0; i < _zn.Length; i += 2)
        {
            if (!IsTouched(i))
            {
                continue;
            }

            if (at + EntryBytes > span.Length)
            {
                Emit(stream, hash, span[..at]);
                at = 0;
            }

            BinaryPrimitives.WriteInt32LittleEndian(span[at..], i / 2);
            at += 4;
            WriteDouble(span, ref at, _zn[i]);
            WriteDouble(span, ref at, _zn[i + 1]);
        }

        Emit(stream, hash, span[..at]);
        BinaryPrimitives.WriteUInt64LittleEndian(span, hash.GetCurrentHashAsUInt64());
        stream.Write(span[..ChecksumBytes]);
    }

    /// <summary>Reads a checkpoint file; errors name the file.</summary>
    public static FtrlState Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FtrlCheckpointException($"checkpoint '{path}': cannot read: {e.Message}", e);
        }

        try
        {
            return Read(bytes);
        }
        catch (FtrlCheckpointException e)
        {
            throw new FtrlCheckpointException($"checkpoint '{path}': {e.Message}", e);
        }
    }

    /// <summary>Reads a checkpoint from a stream (to its end).</summary>
    public static FtrlState Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Read(copy.GetBuffer().AsSpan(0, (int)copy.Length));
    }

    /// <summary>Reads and validates a checkpoint: magic, version, lengths, checksum, spec fingerprint, finite values.</summary>
    public static FtrlState Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < Magic.Length || !file[..Magic.Length].SequenceEqual(Magic))
        {
            throw new FtrlCheckpointException("not an FTRL checkpoint (bad magic bytes)");
        }

        if (file.Length < PreambleBytes)
        {
            throw Truncated(PreambleBytes, file.Length);
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(file[8..]);
        if (version != FormatVersion)
        {
            throw new FtrlCheckpointException($"checkpoint format version {version} is not supported (this build reads version {FormatVersion})");
        }

        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(file[12..]);
        if (headerLength is <= 0 or > MaxHeaderBytes)
        {
            throw new FtrlCheckpointException($"header length {headerLength} is outside 1..{MaxHeaderBytes}: the checkpoint is corrupt");
        }

        var countersAt = PreambleBytes + headerLength;
        long minimum = countersAt + CountersBytes + 4 + ChecksumBytes;
        if (file.Length < minimum)
        {
            throw Truncated(minimum, file.Length);
        }

        var count = BinaryPrimitives.ReadInt32LittleEndian(file[(countersAt + CountersBytes)..]);
        var expected = minimum + ((long)Math.Max(count, 0) * EntryBytes);
        if (count < 0 || file.Length < expected)
        {
            throw count < 0 ? new FtrlCheckpointException($"coordinate count {count} is negative: the checkpoint is corrupt") : Truncated(expected, file.Length);
        }

        if (file.Length > expected)
        {
            throw new FtrlCheckpointException($"{file.Length - expected} unexpected bytes after the checksum: the checkpoint is corrupt");
        }

        var stored = BinaryPrimitives.ReadUInt64LittleEndian(file[^ChecksumBytes..]);
        var actual = XxHash64.HashToUInt64(file[..^ChecksumBytes]);
        if (stored != actual)
        {
            throw new FtrlCheckpointException($"checksum mismatch (stored {stored:x16}, computed {actual:x16}): the checkpoint is corrupt");
        }

        var (spec, options) = ReadHeader(file.Slice(PreambleBytes, headerLength));
        if (count > spec.Size)
        {
            throw new FtrlCheckpointException($"{count} coordinates exceed the spec's 2^{spec.HashBits} slots");
        }

        var state = new FtrlState(spec, options);
        var at = countersAt;
        state.BiasZ = ReadDouble(file, ref at);
        state.BiasN = ReadDouble(file, ref at);
        state.ExamplesSeen = ReadLong(file, ref at);
        var validationCount = ReadLong(file, ref at);
        var positives = ReadLong(file, ref at);
        state.Validation.Restore(validationCount, positives, ReadDouble(file, ref at), ReadDouble(file, ref at), ReadDouble(file, ref at), ReadDouble(file, ref at));
        if (!double.IsFinite(state.BiasZ) || !(state.BiasN >= 0 && double.IsFinite(state.BiasN)))
        {
            throw new FtrlCheckpointException($"bias accumulators are not finite or n is negative (z {state.BiasZ}, n {state.BiasN})");
        }

        at += 4;
        var previous = -1;
        for (var k = 0; k < count; k++)
        {
            var index = BinaryPrimitives.ReadInt32LittleEndian(file[at..]);
            at += 4;
            var z = ReadDouble(file, ref at);
            var n = ReadDouble(file, ref at);
            if (index <= previous || index >= spec.Size)
            {
                throw new FtrlCheckpointException($"coordinate entry {k}: index {index} is not ascending within 0..{spec.Size - 1}");
            }

            if (!double.IsFinite(z) || !(n >= 0 && double.IsFinite(n)))
            {
                throw new FtrlCheckpointException($"coordinate {index}: accumulators are not finite or sqrt(n) is negative (z {z}, sqrt(n) {n})");
            }

            state._zn[2 * index] = z;
            state._zn[(2 * index) + 1] = n;
            previous = index;
        }

        return state;
    }

    private byte[] WriteHeader()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("featureSpec");
            Spec.WriteTo(writer);
            writer.WriteString("featureSpecFingerprint", Spec.FingerprintHex);
            writer.WriteStartObject("options");
            foreach (var (key, value) in Options.ToDictionary())
            {
                writer.WriteNumber(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static (FeatureSpec Spec, FtrlOptions Options) ReadHeader(ReadOnlySpan<byte> header)
    {
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("featureSpec", out var specElement)
                || !root.TryGetProperty("featureSpecFingerprint", out var fingerprintElement)
                || !root.TryGetProperty("options", out var optionsElement))
            {
                throw new FtrlCheckpointException("header lacks featureSpec, featureSpecFingerprint or options");
            }

            var spec = FeatureSpec.FromJson(specElement);
            if (!string.Equals(fingerprintElement.GetString(), spec.FingerprintHex, StringComparison.Ordinal))
            {
                throw new FtrlCheckpointException($"feature-spec fingerprint {fingerprintElement.GetString()} does not match the embedded spec ({spec.FingerprintHex})");
            }

            var options = new FtrlOptions
            {
                Alpha = optionsElement.GetProperty(FtrlOptions.AlphaKey).GetDouble(),
                Beta = optionsElement.GetProperty(FtrlOptions.BetaKey).GetDouble(),
                Lambda1 = optionsElement.GetProperty(FtrlOptions.L1Key).GetDouble(),
                Lambda2 = optionsElement.GetProperty(FtrlOptions.L2Key).GetDouble(),
                NegativeSamplingRate = optionsElement.GetProperty(FtrlOptions.NegativeRateKey).GetDouble(),
            };
            options.Validate();
            return (spec, options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or FeatureSpecException or ArgumentException)
        {
            throw new FtrlCheckpointException($"header is refused: {e.Message}", e);
        }
    }

    private static void Emit(Stream stream, XxHash64 hash, ReadOnlySpan<byte> bytes)
    {
        hash.Append(bytes);
        stream.Write(bytes);
    }

    private static void WriteDouble(Span<byte> span, ref int at, double value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], BitConverter.DoubleToInt64Bits(value));
        at += 8;
    }

    private static void WriteLong(Span<byte> span, ref int at, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], value);
        at += 8;
    }

    private static double ReadDouble(ReadOnlySpan<byte> span, ref int at)
    {
        var value = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(span[at..]));
        at += 8;
        return value;
    }

    private static long ReadLong(ReadOnlySpan<byte> span, ref int at)
    {
        var value = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        at += 8;
        return value;
    }

    private static FtrlCheckpointException Truncated(long expected, long actual) =>
        new($"the checkpoint is truncated ({actual} bytes, expected {expected})");
}
