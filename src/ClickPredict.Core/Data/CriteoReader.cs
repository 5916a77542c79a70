using System.Buffers.Text;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Data;

/// <summary>Criteo's <c>train.txt</c>: label, I1..I13 (integers), C1..C26 (hashed categories), tab-separated, empty when missing.</summary>
internal sealed class CriteoReader : DelimitedExampleReader
{
    private const int ColumnCount = 40;
    private const int IntegerColumns = 13;

    public CriteoReader(Stream stream, string source)
        : base(FieldSchema.Criteo, stream, source)
    {
    }

    public override bool Read()
    {
        if (!NextLine(out var line))
        {
            return false;
        }

        var n = Columns.Split(line, (byte)'\t');
        if (n != ColumnCount)
        {
            throw Error(Lines.LineNumber, $"expected {ColumnCount} tab-separated columns (label, I1-I13, C1-C26), found {n}");
        }

        Label = ParseLabel(Columns.Get(line, 0), Lines.LineNumber);
        Values.Clear();
        for (var i = 1; i < ColumnCount; i++)
        {
            var value = Columns.Get(line, i);
            if (i <= IntegerColumns && !value.IsEmpty
                && !(Utf8Parser.TryParse(value, out long _, out var consumed) && consumed == value.Length))
            {
                throw Error(Lines.LineNumber, $"column I{i}: '{Show(value)}' is not an integer");
            }

            Values.Set(i - 1, value);
        }

        Count++;
        return true;
    }
}
