using System.Buffers.Text;
using System.IO.Compression;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Data;

/// <summary>
/// Streams labelled examples from a file, one at a time, into one reused <see cref="FieldValues"/>:
/// memory stays constant whatever the file's size. A malformed row stops reading with a
/// <see cref="DataFormatException"/> that names the file and line.
/// </summary>
public abstract class ExampleReader : IDisposable
{
    protected ExampleReader(FieldSchema schema, string source)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        Source = source;
        Values = new FieldValues(schema);
    }

    public FieldSchema Schema { get; }

    /// <summary>The file (or stream) name used in error messages.</summary>
    public string Source { get; }

    /// <summary>The current example's fields (valid until the next <see cref="Read"/>).</summary>
    public FieldValues Values { get; }

    /// <summary>Whether the current example was clicked.</summary>
    public bool Label { get; protected set; }

    /// <summary>When the current example happened, where the format says.</summary>
    public DateTimeOffset? Time { get; protected set; }

    /// <summary>Examples read so far.</summary>
    public long Count { get; protected set; }

    /// <summary>Moves to the next example; false at the end of the data.</summary>
    public abstract bool Read();

    /// <summary>Opens <paramref name="path"/> (gzip when it ends in <c>.gz</c>) as <paramref name="format"/>.</summary>
    public static ExampleReader Open(string path, DataFormat format)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DataFormatException($"{path}: cannot open: {e.Message}", e);
        }

        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return Open(stream, format, path);
    }

    /// <summary>Reads <paramref name="stream"/> (which the reader then owns) as <paramref name="format"/>.</summary>
    public static ExampleReader Open(Stream stream, DataFormat format, string source) => format switch
    {
        DataFormat.Criteo => new CriteoReader(stream, source),
        DataFormat.Avazu => new AvazuReader(stream, source),
        DataFormat.IPinYou => new IPinYouReader(stream, source),
        DataFormat.Events => new EventExampleReader(stream, source),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown data format"),
    };

    /// <summary>Parses a format name as the CLI writes it (<c>criteo</c>, <c>avazu</c>, <c>ipinyou</c>, <c>events</c>).</summary>
    public static bool TryParseFormat(string? name, out DataFormat format)
    {
        format = default;
        return name is not null && Enum.TryParse(name, ignoreCase: true, out format) && Enum.IsDefined(format);
    }

    /// <summary>The schema examples of <paramref name="format"/> come in.</summary>
    public static FieldSchema SchemaOf(DataFormat format) => format switch
    {
        DataFormat.Criteo => FieldSchema.Criteo,
        DataFormat.Avazu => FieldSchema.Avazu,
        DataFormat.IPinYou => FieldSchema.IPinYou,
        _ => FieldSchema.OpenRtb,
    };

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>A click column: 0 is no click, a positive integer (a click count) is a click.</summary>
    protected bool ParseLabel(ReadOnlySpan<byte> text, long line)
    {
        if (Utf8Parser.TryParse(text, out long value, out var consumed) && consumed == text.Length && value >= 0)
        {
            return value > 0;
        }

        throw Error(line, $"the click label '{Show(text)}' is not 0, 1 or a click count");
    }

    protected DataFormatException Error(long line, string problem) => new($"{Source}:{line}: {problem}");

    /// <summary>A short, printable excerpt of bad input for an error message.</summary>
    protected static string Show(ReadOnlySpan<byte> text)
    {
        var s = System.Text.Encoding.UTF8.GetString(text.Length > 40 ? text[..40] : text);
        return text.Length > 40 ? s + "..." : s;
    }
}
