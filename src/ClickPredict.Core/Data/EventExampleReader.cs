using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using MessagePack;

namespace ClickPredict.Core.Data;

/// <summary>
/// A file of ClickPredict's own <see cref="LabeledExample"/>s, one MessagePack object after another
/// (what <c>export-examples</c> and <c>simulate</c> write). Fields come back exactly as logged.
/// </summary>
public sealed class EventExampleReader : ExampleReader
{
    private readonly MessagePackStreamReader _reader;

    public EventExampleReader(Stream stream, string source)
        : base(FieldSchema.OpenRtb, source)
    {
        _reader = new MessagePackStreamReader(stream);
    }

    /// <summary>The current example as logged (its pCTR, model version, true CTR when simulated, ...).</summary>
    public LabeledExample? Current { get; private set; }

    public override bool Read()
    {
        var next = _reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        if (next is not { } sequence)
        {
            if (_reader.RemainingBytes.Length > 0)
            {
                throw new DataFormatException($"{Source}: example {Count + 1} is truncated ({_reader.RemainingBytes.Length} bytes left over)");
            }

            return false;
        }

        LabeledExample example;
        try
        {
            example = EventSerializer.Deserialize<LabeledExample>(sequence);
        }
        catch (EventFormatException e)
        {
            throw new DataFormatException($"{Source}: example {Count + 1}: {e.Message}", e);
        }

        if (!string.Equals(example.Schema, Schema.Name, StringComparison.Ordinal))
        {
            throw new DataFormatException($"{Source}: example {Count + 1} has fields of schema '{example.Schema}', expected '{Schema.Name}'");
        }

        Current = example;
        Values.Load(example.Fields);
        Label = example.Clicked;
        Time = DateTimeOffset.FromUnixTimeMilliseconds(example.BidTimeUnixMs);
        Count++;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
