using System.Text.Json;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Calibration;

/// <summary>
/// The calibration file format, version 1, in the frame of <see cref="ModelEnvelope"/> (the model files'):
/// <code>
/// offset  size  content
/// 0       8     magic "CPCALIB\x1a"
/// 8       2     format version (1)
/// 10      2     reserved (0)
/// 12      4     header length H
/// 16      H     header: UTF-8 JSON {"schema", "global", "maxShift", "segments": [{"field", "value", "shift"}], "info"}
/// 16+H    8     XxHash64 of every byte before it
/// </code>
/// A few hundred bytes: publishing one is cheap next to a model. Reading refuses (with
/// <see cref="ModelFormatException"/> saying why) a file that is not a calibration, of another version,
/// truncated, corrupt (checksum), of an unknown schema, or with a shift that is not finite or exceeds its
/// own bound.
/// </summary>
public static class CalibrationFile
{
    public const ushort FormatVersion = 1;

    /// <summary>Largest header accepted (bounds hostile input; 256 segments per field take a few tens of KB).</summary>
    public const int MaxHeaderBytes = 4 << 20;

    private static ReadOnlySpan<byte> Magic => "CPCALIB\x1a"u8;

    public static byte[] Serialize(CalibrationShift calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        var header = JsonSerializer.SerializeToUtf8Bytes(
            new CalibrationHeader
            {
                Schema = calibration.Schema.Name,
                Global = calibration.Global,
                MaxShift = calibration.MaxShift,
                Segments = [.. calibration.Segments],
                Info = calibration.Info,
            },
            CalibrationJsonContext.Default.CalibrationHeader);
        var file = ModelEnvelope.Frame(Magic, FormatVersion, header, 0, out _);
        ModelEnvelope.Seal(file);
        return file;
    }

    public static CalibrationShift Deserialize(ReadOnlySpan<byte> file)
    {
        var headerLength = ModelEnvelope.Open(file, Magic, FormatVersion, MaxHeaderBytes, "calibration");
        ModelEnvelope.Close(file, (long)ModelEnvelope.PreambleBytes + headerLength + ModelEnvelope.ChecksumBytes);
        CalibrationHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(file.Slice(ModelEnvelope.PreambleBytes, headerLength), CalibrationJsonContext.Default.CalibrationHeader);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"the header is not valid calibration JSON: {e.Message}", e);
        }

        if (header is null || !FieldSchema.TryGet(header.Schema, out var schema))
        {
            throw new ModelFormatException($"unknown schema '{header?.Schema}'");
        }

        if (!(double.IsFinite(header.MaxShift) && header.MaxShift > 0) || !double.IsFinite(header.Global) || Math.Abs(header.Global) > header.MaxShift)
        {
            throw new ModelFormatException($"global shift {header.Global} is not finite or exceeds the bound {header.MaxShift}");
        }

        foreach (var segment in header.Segments)
        {
            if (segment is null || !double.IsFinite(segment.Shift) || Math.Abs(segment.Shift) > 2 * header.MaxShift)
            {
                throw new ModelFormatException($"segment {segment?.Field}={segment?.Value} has a shift that is not finite or exceeds twice the bound");
            }
        }

        try
        {
            return new CalibrationShift(schema, header.Global, header.Segments, header.MaxShift, header.Info ?? new CalibrationInfo());
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException(e.Message, e);
        }
    }

    /// <summary>Reads the file at <paramref name="path"/>; every refusal names the file.</summary>
    public static CalibrationShift Load(string path) => ModelEnvelope.Load(path, "calibration", bytes => Deserialize(bytes));
}
