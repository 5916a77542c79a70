using ClickPredict.Core.Features;

namespace ClickPredict.Core.Data;

/// <summary>What the line-oriented formats share: one reused line buffer and column splitter.</summary>
internal abstract class DelimitedExampleReader : ExampleReader
{
    protected DelimitedExampleReader(FieldSchema schema, Stream stream, string source)
        : base(schema, source)
    {
        Lines = new LineReader(stream);
    }

    protected LineReader Lines { get; }

    protected Columns Columns { get; } = new();

    /// <summary>The next line, with over-long lines reported against the file.</summary>
    protected bool NextLine(out ReadOnlySpan<byte> line)
    {
        try
        {
            return Lines.TryReadLine(out line);
        }
        catch (DataFormatException e)
        {
            throw new DataFormatException($"{Source}: {e.Message}", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Lines.Dispose();
        }

        base.Dispose(disposing);
    }
}
