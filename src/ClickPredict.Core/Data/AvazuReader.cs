using System.Buffers.Text;
using System.Text;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Data;

/// <summary>
/// Avazu's <c>train.csv</c>: a header, then one row per impression. Columns are found by the header's
/// names; <c>id</c> (which can exceed 64 bits) is not a feature; <c>hour</c> (YYMMDDHH) becomes the
/// example's time, its hour of day and its day of week.
/// </summary>
internal sealed class AvazuReader : DelimitedExampleReader
{
    private static readonly int s_hourOfDay = FieldSchema.Avazu.GetField("hour_of_day").Index;
    private static readonly int s_dayOfWeek = FieldSchema.Avazu.GetField("day_of_week").Index;

    private readonly int[] _fieldOfColumn;
    private readonly int _clickColumn;
    private readonly int _hourColumn;
    private readonly int _columnCount;

    public AvazuReader(Stream stream, string source)
        : base(FieldSchema.Avazu, stream, source)
    {
        if (!Lines.TryReadLine(out var header))
        {
            throw new DataFormatException($"{source}: the file is empty (expected the Avazu header)");
        }

        _columnCount = Columns.Split(header, (byte)',');
        _fieldOfColumn = new int[_columnCount];
        _clickColumn = _hourColumn = -1;
        for (var c = 0; c < _columnCount; c++)
        {
            var name = Encoding.UTF8.GetString(Columns.Get(header, c)).Trim();
            _fieldOfColumn[c] = -1;
            if (name == "click")
            {
                _clickColumn = c;
            }
            else if (name == "hour")
            {
                _hourColumn = c;
            }
            else if (Schema.TryGetField(name, out var field))
            {
                _fieldOfColumn[c] = field.Index;
            }
        }

        if (_clickColumn < 0 || _hourColumn < 0)
        {
            throw new DataFormatException($"{source}:1: the header lacks the 'click' or 'hour' column; is this an Avazu train.csv?");
        }
    }

    public override bool Read()
    {
        if (!NextLine(out var line))
        {
            return false;
        }

        var n = Columns.Split(line, (byte)',');
        if (n != _columnCount)
        {
            throw Error(Lines.LineNumber, $"expected {_columnCount} comma-separated columns as in the header, found {n}");
        }

        Label = ParseLabel(Columns.Get(line, _clickColumn), Lines.LineNumber);
        Values.Clear();
        for (var c = 0; c < n; c++)
        {
            if (_fieldOfColumn[c] >= 0)
            {
                Values.Set(_fieldOfColumn[c], Columns.Get(line, c));
            }
        }

        var hour = Columns.Get(line, _hourColumn);
        if (hour.Length != 8 || !Utf8Parser.TryParse(hour, out int yymmddhh, out var consumed) || consumed != 8
            || !TryTime(yymmddhh, out var time))
        {
            throw Error(Lines.LineNumber, $"hour '{Show(hour)}' is not YYMMDDHH");
        }

        Time = time;
        Values.Set(s_hourOfDay, time.Hour);
        Values.Set(s_dayOfWeek, (int)time.DayOfWeek);
        Count++;
        return true;
    }

    private static bool TryTime(int yymmddhh, out DateTimeOffset time)
    {
        var hh = yymmddhh % 100;
        var dd = yymmddhh / 100 % 100;
        var mm = yymmddhh / 10_000 % 100;
        var yy = yymmddhh / 1_000_000;
        time = default;
        if (mm is < 1 or > 12 || hh > 23 || dd < 1 || dd > DateTime.DaysInMonth(2000 + yy, mm))
        {
            return false;
        }

        time = new DateTimeOffset(2000 + yy, mm, dd, hh, 0, 0, TimeSpan.Zero);
        return true;
    }
}
