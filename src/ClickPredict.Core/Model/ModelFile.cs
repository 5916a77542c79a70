using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Model;

/// <summary>
/// The model file format, version 1. All integers little-endian.
/// <code>
/// offset  size  content
/// 0       8     magic "CPMODEL\x1a"
/// 8       2     format version (1)
/// 10      2     reserved (0)
/// 12      4     header length H
/// 16      H     header: UTF-8 JSON {"info": ModelInfo, "featureSpec": spec, "featureSpecFingerprint": hex}
/// 16+H    1     weight layout: 1 dense, 2 sparse
///         4     weight count N (dense: 2^hashBits; sparse: non-zero weights)
///         8     bias (float64)
///         ...   dense: N float32; sparse: N (uint32 index, float32 value), indices ascending
/// end-8   8     XxHash64 of every byte before it
/// </code>
/// Reading refuses a file that is not a model, of another format version, truncated, corrupt
/// (checksum), inconsistent with its own spec (fingerprint, weight count, indices) or holding
/// non-finite weights, with a message that says which.
/// </summary>
public static class ModelFile
{
    public const ushort FormatVersion = 1;

    /// <summary>Largest header accepted: a spec and its metadata are a few KB; this bounds hostile input.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private const byte DenseLayout = 1;
    private const byte SparseLayout = 2;
    private const int PreambleBytes = ModelEnvelope.PreambleBytes;
    private const int WeightsPreambleBytes = 1 + 4 + 8;
    private const int ChecksumBytes = ModelEnvelope.ChecksumBytes;

    private static ReadOnlySpan<byte> Magic => "CPMODEL\x1a"u8;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (the whole file, replacing one there).</summary>
    public static void Save(LogisticModel model, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(model, stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The file's bytes for <paramref name="model"/>; sparse when that is smaller.</summary>
    public static byte[] Serialize(LogisticModel model)
    {
        using var stream = new MemoryStream();
        Write(model, stream);
        return stream.ToArray();
    }

    public static void Write(LogisticModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var header = WriteHeader(model);
        var sparse = model.NonZeroCount < model.Spec.Size / 2;
        var count = sparse ? model.NonZeroCount : model.Spec.Size;
        var weightBytes = (long)count * (sparse ? 8 : 4);
        var buffer = ModelEnvelope.Frame(Magic, FormatVersion, header, WeightsPreambleBytes + weightBytes, out var pos);
        var span = buffer.AsSpan();
        span[pos] = sparse ? SparseLayout : DenseLayout;
        BinaryPrimitives.WriteInt32LittleEndian(span[(pos + 1)..], count);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(pos + 5)..], model.Bias);
        pos += WeightsPreambleBytes;
        for (var i = 0; i < model.Spec.Size; i++)
        {
            var w = model.Weight(i);
            if (sparse)
            {
                if (w != 0f)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(span[pos..], i);
                    BinaryPrimitives.WriteSingleLittleEndian(span[(pos + 4)..], w);
                    pos += 8;
                }
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[pos..], w);
                pos += 4;
            }
        }

        ModelEnvelope.Seal(span);
        stream.Write(buffer);
    }

    /// <summary>
    /// The file's own checksum (the XxHash64 in its last 8 bytes), as 16 hex digits: what identifies a model that is not
    /// in a registry (the shipped default file), e.g. for a calibration learned for it. Does not validate the file.
    /// </summary>
    /// <exception cref="ModelFormatException">The file cannot be read or is too short to be a model file.</exception>
    public static string ReadChecksum(string path) => ModelEnvelope.ReadChecksum(path, "model");

    /// <summary>Reads and fully validates a model file.</summary>
    public static LogisticModel Load(string path, ModelLayout layout = ModelLayout.Auto) =>
        ModelEnvelope.Load(path, "model", bytes => Deserialize(bytes, layout));

    /// <summary>Reads and fully validates a model from its file bytes.</summary>
    public static LogisticModel Deserialize(ReadOnlySpan<byte> file, ModelLayout layout = ModelLayout.Auto)
    {
        var headerLength = ModelEnvelope.Open(file, Magic, FormatVersion, MaxHeaderBytes, "model");
        var weightsAt = PreambleBytes + headerLength;
        ModelEnvelope.RequireLength(file, weightsAt + WeightsPreambleBytes + ChecksumBytes);
        var layoutByte = file[weightsAt];
        var count = BinaryPrimitives.ReadInt32LittleEndian(file[(weightsAt + 1)..]);
        if (layoutByte is not (DenseLayout or SparseLayout) || count < 0)
        {
            throw new ModelFormatException($"weight section is corrupt (layout {layoutByte}, count {count})");
        }

        var expected = (long)weightsAt + WeightsPreambleBytes + ((long)count * (layoutByte == DenseLayout ? 4 : 8)) + ChecksumBytes;
        ModelEnvelope.Close(file, expected);

        var (info, spec) = ReadHeader(file.Slice(PreambleBytes, headerLength));
        var bias = BinaryPrimitives.ReadDoubleLittleEndian(file[(weightsAt + 5)..]);
        if (!double.IsFinite(bias))
        {
            throw new ModelFormatException($"bias is not finite ({bias})");
        }

        var data = file.Slice(weightsAt + WeightsPreambleBytes, (int)(expected - ChecksumBytes - weightsAt - WeightsPreambleBytes));
        try
        {
            return layoutByte == DenseLayout
                ? ReadDense(info, spec, bias, count, data, layout)
                : ReadSparse(info, spec, bias, count, data, layout);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(e.Message.Split(" (Parameter")[0], e);
        }
    }

    private static LogisticModel ReadDense(ModelInfo info, FeatureSpec spec, double bias, int count, ReadOnlySpan<byte> data, ModelLayout layout)
    {
        if (count != spec.Size)
        {
            throw new ModelFormatException($"dense weight count {count} does not match the spec's 2^{spec.HashBits} = {spec.Size}");
        }

        var weights = new float[count];
        for (var i = 0; i < count; i++)
        {
            weights[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * 4)..]);
        }

        return LogisticModel.Create(info, spec, bias, weights, layout);
    }

    private static LogisticModel ReadSparse(ModelInfo info, FeatureSpec spec, double bias, int count, ReadOnlySpan<byte> data, ModelLayout layout)
    {
        if (count > spec.Size)
        {
            throw new ModelFormatException($"sparse weight count {count} exceeds the spec's 2^{spec.HashBits} slots");
        }

        var indices = new int[count];
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            indices[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(i * 8)..]);
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[((i * 8) + 4)..]);
            if (i > 0 && indices[i] <= indices[i - 1])
            {
                throw new ModelFormatException($"sparse weight indices are not ascending at entry {i}");
            }
        }

        return LogisticModel.CreateSparse(info, spec, bias, indices, values, layout);
    }

    private static byte[] WriteHeader(LogisticModel model)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("info");
            JsonSerializer.Serialize(writer, model.Info, ModelJsonContext.Default.ModelInfo);
            writer.WritePropertyName("featureSpec");
            model.Spec.WriteTo(writer);
            writer.WriteString("featureSpecFingerprint", model.Spec.FingerprintHex);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static (ModelInfo Info, FeatureSpec Spec) ReadHeader(ReadOnlySpan<byte> header)
    {
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("info", out var infoElement)
                || !root.TryGetProperty("featureSpec", out var specElement)
                || !root.TryGetProperty("featureSpecFingerprint", out var fingerprintElement))
            {
                throw new ModelFormatException("header lacks info, featureSpec or featureSpecFingerprint");
            }

            var info = infoElement.Deserialize(ModelJsonContext.Default.ModelInfo)
                ?? throw new ModelFormatException("header info is null");
            FeatureSpec spec;
            try
            {
                spec = FeatureSpec.FromJson(specElement);
            }
            catch (FeatureSpecException e)
            {
                throw new ModelFormatException($"embedded feature spec is refused: {e.Message}", e);
            }

            var fingerprint = fingerprintElement.GetString();
            if (!string.Equals(fingerprint, spec.FingerprintHex, StringComparison.Ordinal))
            {
                throw new ModelFormatException($"feature-spec fingerprint {fingerprint} does not match the embedded spec ({spec.FingerprintHex})");
            }

            return (info, spec);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new ModelFormatException($"header has a value of the wrong type: {e.Message}", e);
        }
    }

}
