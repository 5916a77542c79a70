using System.Buffers.Text;
using System.Text;
using ClickPredict.Core.Features;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Core.Data;

/// <summary>
/// iPinYou impression logs in either of their two shapes, told apart by the first line:
/// the decoded TSV (a header starting <c>click</c>; user agent already <c>os_browser</c>; floor as a
/// price bucket) or raw season-3 rows (24 columns, no header; raw user agent, timestamp, floor price),
/// which are mapped onto the same fields. The value <c>null</c> means missing.
/// </summary>
internal sealed class IPinYouReader : DelimitedExampleReader
{
    private const int RawColumnCount = 24;

    private static readonly FieldSchema s_schema = FieldSchema.IPinYou;
    private static readonly int s_weekday = s_schema.GetField("weekday").Index;
    private static readonly int s_hour = s_schema.GetField("hour").Index;
    private static readonly int s_useragent = s_schema.GetField("useragent").Index;
    private static readonly int s_os = s_schema.GetField("os").Index;
    private static readonly int s_browser = s_schema.GetField("browser").Index;
    private static readonly int s_ip = s_schema.GetField("ip").Index;
    private static readonly int s_region = s_schema.GetField("region").Index;
    private static readonly int s_city = s_schema.GetField("city").Index;
    private static readonly int s_adexchange = s_schema.GetField("adexchange").Index;
    private static readonly int s_domain = s_schema.GetField("domain").Index;
    private static readonly int s_slotid = s_schema.GetField("slotid").Index;
    private static readonly int s_slotwidth = s_schema.GetField("slotwidth").Index;
    private static readonly int s_slotheight = s_schema.GetField("slotheight").Index;
    private static readonly int s_slotsize = s_schema.GetField("slotsize").Index;
    private static readonly int s_slotvisibility = s_schema.GetField("slotvisibility").Index;
    private static readonly int s_slotformat = s_schema.GetField("slotformat").Index;
    private static readonly int s_slotprice = s_schema.GetField("slotprice_bucket").Index;
    private static readonly int s_creative = s_schema.GetField("creative").Index;
    private static readonly int s_advertiser = s_schema.GetField("advertiser").Index;

    private readonly bool _raw;
    private readonly int _columnCount;

    // Decoded layout: the column of each field (or -1), found from the header.
    private readonly int[] _fieldOfColumn = [];
    private readonly int _clickColumn;
    private readonly int _uaColumn = -1;
    private readonly int _widthColumn = -1;
    private readonly int _heightColumn = -1;

    // Raw files have no header: the first line is already data and is held back for the first Read.
    private bool _pendingFirst;

    public IPinYouReader(Stream stream, string source)
        : base(s_schema, stream, source)
    {
        if (!Lines.TryReadLine(out var first))
        {
            _raw = true;
            _columnCount = RawColumnCount;
            return;
        }

        var n = Columns.Split(first, (byte)'\t');
        if (n > 0 && Columns.Get(first, 0).SequenceEqual("click"u8))
        {
            _columnCount = n;
            _fieldOfColumn = new int[n];
            _clickColumn = 0;
            for (var c = 0; c < n; c++)
            {
                var name = Encoding.UTF8.GetString(Columns.Get(first, c));
                _fieldOfColumn[c] = -1;
                switch (name)
                {
                    case "useragent":
                        _uaColumn = c;
                        break;
                    case "slotwidth":
                        _widthColumn = c;
                        break;
                    case "slotheight":
                        _heightColumn = c;
                        break;
                }

                if (name == "IP")
                {
                    _fieldOfColumn[c] = s_ip;
                }
                else if (name != "click" && Schema.TryGetField(name, out var field))
                {
                    _fieldOfColumn[c] = field.Index;
                }
            }
        }
        else if (n == RawColumnCount)
        {
            _raw = true;
            _columnCount = RawColumnCount;
            _pendingFirst = true;
        }
        else
        {
            throw new DataFormatException(
                $"{source}:1: neither a decoded iPinYou header (starting 'click') nor a raw row of {RawColumnCount} tab-separated columns (found {n})");
        }
    }

    public override bool Read()
    {
        if (_pendingFirst)
        {
            // A raw file's first line is data: the constructor only looked at it; read it again.
            _pendingFirst = false;
            Lines.Rewind();
        }

        if (!NextLine(out var line))
        {
            return false;
        }

        var n = Columns.Split(line, (byte)'\t');
        if (n != _columnCount)
        {
            throw Error(Lines.LineNumber, $"expected {_columnCount} tab-separated columns, found {n}");
        }

        Values.Clear();
        if (_raw)
        {
            ReadRaw(line);
        }
        else
        {
            ReadDecoded(line);
        }

        Count++;
        return true;
    }

    private void ReadDecoded(ReadOnlySpan<byte> line)
    {
        Label = ParseLabel(Columns.Get(line, _clickColumn), Lines.LineNumber);
        Time = null;
        for (var c = 0; c < _columnCount; c++)
        {
            if (_fieldOfColumn[c] >= 0)
            {
                SetValue(_fieldOfColumn[c], Columns.Get(line, c));
            }
        }

        if (_uaColumn >= 0)
        {
            // "android_safari" -> os "android", browser "safari".
            var ua = Columns.Get(line, _uaColumn);
            var cut = ua.IndexOf((byte)'_');
            if (cut > 0 && !IsNull(ua))
            {
                Values.Set(s_os, ua[..cut]);
                Values.Set(s_browser, ua[(cut + 1)..]);
            }
        }

        if (_widthColumn >= 0 && _heightColumn >= 0)
        {
            SetSize(Columns.Get(line, _widthColumn), Columns.Get(line, _heightColumn));
        }
    }

    private void ReadRaw(ReadOnlySpan<byte> line)
    {
        Label = ParseLabel(Columns.Get(line, 0), Lines.LineNumber);
        var timestamp = Columns.Get(line, 2);
        if (!TryTimestamp(timestamp, out var time))
        {
            throw Error(Lines.LineNumber, $"timestamp '{Show(timestamp)}' is not yyyyMMddHHmmssSSS");
        }

        Time = time;
        Values.Set(s_weekday, (int)time.DayOfWeek);
        Values.Set(s_hour, time.Hour);

        var ua = Columns.Get(line, 5);
        if (!IsNull(ua) && !ua.IsEmpty)
        {
            var os = UserAgentClassifier.OsFamily(ua);
            var browser = UserAgentClassifier.BrowserFamily(ua);
            Values.Set(s_os, os);
            Values.Set(s_browser, browser);
            Span<byte> joined = stackalloc byte[os.Length + 1 + browser.Length];
            os.CopyTo(joined);
            joined[os.Length] = (byte)'_';
            browser.CopyTo(joined[(os.Length + 1)..]);
            Values.Set(s_useragent, joined);
        }

        SetValue(s_ip, Columns.Get(line, 6));
        SetValue(s_region, Columns.Get(line, 7));
        SetValue(s_city, Columns.Get(line, 8));
        SetValue(s_adexchange, Columns.Get(line, 9));
        SetValue(s_domain, Columns.Get(line, 10));
        SetValue(s_slotid, Columns.Get(line, 13));
        SetValue(s_slotwidth, Columns.Get(line, 14));
        SetValue(s_slotheight, Columns.Get(line, 15));
        SetSize(Columns.Get(line, 14), Columns.Get(line, 15));
        SetValue(s_slotvisibility, Columns.Get(line, 16));
        SetValue(s_slotformat, Columns.Get(line, 17));
        var price = Columns.Get(line, 18);
        if (!IsNull(price) && !price.IsEmpty)
        {
            if (!Utf8Parser.TryParse(price, out long floor, out var consumed) || consumed != price.Length || floor < 0)
            {
                throw Error(Lines.LineNumber, $"slotprice '{Show(price)}' is not a non-negative integer");
            }

            Values.Set(s_slotprice, PriceBucket(floor));
        }

        SetValue(s_creative, Columns.Get(line, 19));
        SetValue(s_advertiser, Columns.Get(line, 22));
    }

    /// <summary>The decoded logs' floor buckets: 0, 1-10, 11-50, 51-100, 101+ (the raw price is in fen CPM).</summary>
    internal static ReadOnlySpan<byte> PriceBucket(long floor) => floor switch
    {
        0 => "0"u8,
        <= 10 => "1-10"u8,
        <= 50 => "11-50"u8,
        <= 100 => "51-100"u8,
        _ => "101+"u8,
    };

    private void SetValue(int field, ReadOnlySpan<byte> value)
    {
        if (!IsNull(value))
        {
            Values.Set(field, value);
        }
    }

    private void SetSize(ReadOnlySpan<byte> width, ReadOnlySpan<byte> height)
    {
        if (Utf8Parser.TryParse(width, out int w, out var cw) && cw == width.Length
            && Utf8Parser.TryParse(height, out int h, out var ch) && ch == height.Length && w > 0 && h > 0)
        {
            Values.SetSize(s_slotsize, w, h);
        }
    }

    private static bool IsNull(ReadOnlySpan<byte> value) => value.SequenceEqual("null"u8);

    private static bool TryTimestamp(ReadOnlySpan<byte> text, out DateTimeOffset time)
    {
        time = default;
        if (text.Length != 17 || !Utf8Parser.TryParse(text[..8], out int date, out var c1) || c1 != 8
            || !Utf8Parser.TryParse(text[8..14], out int clock, out var c2) || c2 != 6
            || !Utf8Parser.TryParse(text[14..], out int millis, out var c3) || c3 != 3)
        {
            return false;
        }

        var (year, month, day) = (date / 10_000, date / 100 % 100, date % 100);
        var (hour, minute, second) = (clock / 10_000, clock / 100 % 100, clock % 100);
        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        time = new DateTimeOffset(year, month, day, hour, minute, second, millis, TimeSpan.Zero);
        return true;
    }
}
