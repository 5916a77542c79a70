using System.Buffers.Binary;
using System.Text.Json;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Shading;

/// <summary>
/// The win-rate model file format, version 1, in the frame of <see cref="ModelEnvelope"/>. All integers little-endian.
/// <code>
/// offset  size  content
/// 0       8     magic "CPWRATE\x1a"
/// 8       2     format version (1)
/// 10      2     reserved (0)
/// 12      4     header length H
/// 16      H     header: UTF-8 JSON {"info", "hashBits", "seed", "features", "locationOffset",
///               "logScaleOffset", "exchanges": [{"name", "key", "observations", "wins", "minToWinReports"}]}
/// 16+H    4     N, slots stored (those with a non-zero weight)
///         20*N  (uint32 slot ascending, float64 location weight, float64 log-scale weight)
/// end-8   8     XxHash64 of every byte before it
/// </code>
/// Weights are stored as their bits, so a model read back predicts exactly what it did when written.
/// Reading refuses (with <see cref="ModelFormatException"/> saying why) a file that is not a win-rate
/// model, of another version, truncated, corrupt (checksum), with features this build does not compute,
/// or inconsistent with itself (slot out of range or out of order, key not its name's, a count below
/// zero, a weight not finite).
/// </summary>
public static class WinRateModelFile
{
    public const ushort FormatVersion = 1;

    /// <summary>Largest header accepted: a few exchanges make a few KB; this bounds hostile input.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private const int PreambleBytes = ModelEnvelope.PreambleBytes;
    private const int EntryBytes = 20;
    private const int ChecksumBytes = ModelEnvelope.ChecksumBytes;

    private static ReadOnlySpan<byte> Magic => "CPWRATE\x1a"u8;

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically (a temporary file, then a rename).</summary>
    public static void Save(WinRateModel model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = Serialize(model);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static byte[] Serialize(WinRateModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = model.Weights;
        var header = JsonSerializer.SerializeToUtf8Bytes(
            new WinRateHeader
            {
                Info = model.Info,
                HashBits = weights.HashBits,
                Seed = weights.Seed,
                Features = [.. ShadingFeatures.Names],
                LocationOffset = weights.LocationOffset,
                LogScaleOffset = weights.LogScaleOffset,
                Exchanges = [.. model.Exchanges.Select(e => new WinRateHeaderExchange
                {
                    Name = e.Name,
                    Key = e.Key,
                    Observations = e.Observations,
                    Wins = e.Wins,
                    MinToWinReports = e.MinToWinReports,
                })],
            },
            WinRateJsonContext.Default.WinRateHeader);
        var count = model.NonZeroSlots();
        var buffer = ModelEnvelope.Frame(Magic, FormatVersion, header, 4 + ((long)count * EntryBytes), out var pos);
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span[pos..], count);
        pos += 4;
        for (var i = 0; i < weights.Location.Length; i++)
        {
            if (weights.Location[i] != 0 || weights.LogScale[i] != 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[pos..], (uint)i);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(pos + 4)..], weights.Location[i]);
                BinaryPrimitives.WriteDoubleLittleEndian(span[(pos + 12)..], weights.LogScale[i]);
                pos += EntryBytes;
            }
        }

        ModelEnvelope.Seal(span);
        return buffer;
    }

    /// <summary>Reads and fully validates a win-rate model file.</summary>
    public static WinRateModel Load(string path) => ModelEnvelope.Load(path, "win-rate model", bytes => Deserialize(bytes));

    /// <summary>Reads and fully validates a win-rate model from its file bytes.</summary>
    public static WinRateModel Deserialize(ReadOnlySpan<byte> file)
    {
        var headerLength = ModelEnvelope.Open(file, Magic, FormatVersion, MaxHeaderBytes, "win-rate model");
        var entriesAt = PreambleBytes + headerLength;
        ModelEnvelope.RequireLength(file, entriesAt + 4 + ChecksumBytes);
        var count = BinaryPrimitives.ReadInt32LittleEndian(file[entriesAt..]);
        if (count < 0)
        {
            throw new ModelFormatException($"slot count {count} is negative: the file is corrupt");
        }

        ModelEnvelope.Close(file, (long)entriesAt + 4 + ((long)count * EntryBytes) + ChecksumBytes);
        var header = ReadHeader(file.Slice(PreambleBytes, headerLength));
        var weights = WinRateWeights.Zero(header.HashBits, header.Seed, header.LocationOffset, header.LogScaleOffset);
        var previous = -1L;
        for (var i = 0; i < count; i++)
        {
            var at = entriesAt + 4 + (i * EntryBytes);
            var slot = BinaryPrimitives.ReadUInt32LittleEndian(file[at..]);
            var location = BinaryPrimitives.ReadDoubleLittleEndian(file[(at + 4)..]);
            var logScale = BinaryPrimitives.ReadDoubleLittleEndian(file[(at + 12)..]);
            if (slot >= (uint)weights.Location.Length || slot <= previous)
            {
                throw new ModelFormatException($"slot {slot} at entry {i} is out of range (2^{header.HashBits}) or not ascending");
            }

            if (!double.IsFinite(location) || !double.IsFinite(logScale))
            {
                throw new ModelFormatException($"slot {slot} has a weight that is not finite ({location}, {logScale})");
            }

            weights.Location[slot] = location;
            weights.LogScale[slot] = logScale;
            previous = slot;
        }

        var exchanges = header.Exchanges.Select(e => new WinRateExchange(e.Name, e.Observations, e.Wins, e.MinToWinReports));
        return new WinRateModel(header.Info!, weights, exchanges);
    }

    private static WinRateHeader ReadHeader(ReadOnlySpan<byte> bytes)
    {
        WinRateHeader header;
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = 16 });
            header = JsonSerializer.Deserialize(ref reader, WinRateJsonContext.Default.WinRateHeader)
                ?? throw new ModelFormatException("header is null");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"header is not valid: {e.Message}", e);
        }

        if (header.Info is null)
        {
            throw new ModelFormatException("header lacks info");
        }

        if (!header.Features.SequenceEqual(ShadingFeatures.Names, StringComparer.Ordinal))
        {
            throw new ModelFormatException(
                $"features [{string.Join(", ", header.Features)}] are not the ones this build computes [{string.Join(", ", ShadingFeatures.Names)}]");
        }

        if (header.HashBits is < 4 or > 24)
        {
            throw new ModelFormatException($"hashBits {header.HashBits} is outside 4..24");
        }

        if (!double.IsFinite(header.LocationOffset) || !double.IsFinite(header.LogScaleOffset))
        {
            throw new ModelFormatException($"prior offsets are not finite ({header.LocationOffset}, {header.LogScaleOffset})");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in header.Exchanges)
        {
            if (string.IsNullOrEmpty(e.Name) || !names.Add(e.Name))
            {
                throw new ModelFormatException($"exchange name '{e.Name}' is empty or listed twice");
            }

            if (e.Key != ShadingContext.KeyOf(e.Name))
            {
                throw new ModelFormatException($"exchange '{e.Name}' has key {e.Key:x8}, not its name's {ShadingContext.KeyOf(e.Name):x8}");
            }

            if (e.Observations < 0 || e.Wins < 0 || e.Wins > e.Observations || e.MinToWinReports < 0 || e.MinToWinReports > e.Observations)
            {
                throw new ModelFormatException($"exchange '{e.Name}' has inconsistent counts (observations {e.Observations}, wins {e.Wins}, minToWinReports {e.MinToWinReports})");
            }
        }

        return header;
    }
}
