using System.Runtime.CompilerServices;
using System.Text;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// A parsed OpenRTB 2.5/2.6 bid request, lean and reusable: strings are ranges of one UTF-8 arena,
/// lists are ranges of shared pools, and every object is kept and reset between requests, so
/// parsing request after request into one instance allocates nothing once its pools have grown to
/// the largest request seen. Not thread-safe; pool instances per thread or per request.
/// </summary>
public sealed class BidRequest
{
    private byte[] _text = new byte[4096];
    private int _textUsed;
    private Utf8Slice[] _strings = new Utf8Slice[64];
    private int _stringCount;
    private int[] _ints = new int[64];
    private int _intCount;
    private Imp[] _imps = [new(), new(), new(), new()];
    private BannerFormat[] _formats = new BannerFormat[16];
    private int _formatCount;
    private Deal[] _deals = new Deal[8];
    private int _dealCount;

    public BidRequest() => Reset();

    public Utf8Slice Id { get; internal set; }

    public int ImpCount { get; private set; }

    /// <summary><c>at</c>: 1 first price, 2 second price plus (the default; also for unknown values).</summary>
    public int AuctionType { get; internal set; }

    /// <summary><c>tmax</c> in milliseconds, when given.</summary>
    public int? TMax { get; internal set; }

    public SliceList Currencies { get; internal set; }

    public SliceList BlockedCategories { get; internal set; }

    public SliceList BlockedAdvertisers { get; internal set; }

    public SliceList BlockedApps { get; internal set; }

    public int Test { get; internal set; }

    public Inventory Site { get; } = new();

    public Inventory App { get; } = new();

    public Device Device { get; } = new();

    public User User { get; } = new();

    public Regs Regs { get; } = new();

    /// <summary>The imp at <paramref name="index"/> (below <see cref="ImpCount"/>).</summary>
    public Imp Imp(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)ImpCount, nameof(index));
        return _imps[index];
    }

    /// <summary>The bytes of <paramref name="slice"/>; empty when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Text(Utf8Slice slice) =>
        slice.Length > 0 ? new ReadOnlySpan<byte>(_text, slice.Start, slice.Length) : default;

    /// <summary>The string of <paramref name="slice"/>, or null when absent (allocates: diagnostics and tests).</summary>
    public string? GetString(Utf8Slice slice) => slice.IsPresent ? Encoding.UTF8.GetString(Text(slice)) : null;

    public ReadOnlySpan<Utf8Slice> Strings(SliceList list) => new(_strings, list.Start, list.Count);

    public ReadOnlySpan<int> Ints(IntList list) => new(_ints, list.Start, list.Count);

    public ReadOnlySpan<BannerFormat> Formats(Imp imp)
    {
        ArgumentNullException.ThrowIfNull(imp);
        return new(_formats, imp.FormatStart, imp.FormatCount);
    }

    public ReadOnlySpan<Deal> Deals(Imp imp)
    {
        ArgumentNullException.ThrowIfNull(imp);
        return new(_deals, imp.DealStart, imp.DealCount);
    }

    /// <summary>True when <paramref name="list"/> holds a string equal to <paramref name="value"/>.</summary>
    public bool Contains(SliceList list, ReadOnlySpan<byte> value)
    {
        foreach (var s in Strings(list))
        {
            if (Text(s).SequenceEqual(value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Forgets the previous request; keeps every buffer for the next one.</summary>
    public void Reset()
    {
        _textUsed = 0;
        _stringCount = 0;
        _intCount = 0;
        _formatCount = 0;
        _dealCount = 0;
        for (var i = 0; i < ImpCount; i++)
        {
            _imps[i].Reset();
        }

        ImpCount = 0;
        Id = Utf8Slice.None;
        AuctionType = 2;
        TMax = null;
        Currencies = BlockedCategories = BlockedAdvertisers = BlockedApps = default;
        Test = 0;
        Site.Reset();
        App.Reset();
        Device.Reset();
        User.Reset();
        Regs.Reset();
    }

    internal Span<byte> ReserveText(int length, out Utf8Slice slice)
    {
        if (_text.Length - _textUsed < length)
        {
            Grow(ref _text, _textUsed + length);
        }

        slice = new Utf8Slice(_textUsed, length);
        var span = _text.AsSpan(_textUsed, length);
        _textUsed += length;
        return span;
    }

    /// <summary>Gives back the unused tail of the last <see cref="ReserveText"/> (unescaping can shrink a string).</summary>
    internal Utf8Slice TrimLastText(Utf8Slice slice, int used)
    {
        _textUsed = slice.Start + used;
        return slice with { Length = used };
    }

    internal int StringCount => _stringCount;

    internal void AddString(Utf8Slice value)
    {
        if (_stringCount == _strings.Length)
        {
            Grow(ref _strings, _stringCount + 1);
        }

        _strings[_stringCount++] = value;
    }

    internal int IntCount => _intCount;

    internal void AddInt(int value)
    {
        if (_intCount == _ints.Length)
        {
            Grow(ref _ints, _intCount + 1);
        }

        _ints[_intCount++] = value;
    }

    internal int FormatCount => _formatCount;

    internal void AddFormat(BannerFormat format)
    {
        if (_formatCount == _formats.Length)
        {
            Grow(ref _formats, _formatCount + 1);
        }

        _formats[_formatCount++] = format;
    }

    internal int DealCount => _dealCount;

    internal void AddDeal(Deal deal)
    {
        if (_dealCount == _deals.Length)
        {
            Grow(ref _deals, _dealCount + 1);
        }

        _deals[_dealCount++] = deal;
    }

    internal Imp AddImp()
    {
        if (ImpCount == _imps.Length)
        {
            var old = _imps.Length;
            Array.Resize(ref _imps, old * 2);
            for (var i = old; i < _imps.Length; i++)
            {
                _imps[i] = new Imp();
            }
        }

        var imp = _imps[ImpCount++];
        imp.Reset();
        return imp;
    }

    // Cold: pools grow until they fit the largest request, then are reused.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Grow<T>(ref T[] array, int needed) => Array.Resize(ref array, Math.Max(array.Length * 2, needed));
}
