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
    private readonly ValuePool<Utf8Slice> _strings = new(64);
    private readonly ValuePool<int> _ints = new(64);
    private readonly ValuePool<BannerFormat> _formats = new(16);
    private readonly ValuePool<Deal> _deals = new(8);
    private Imp[] _imps = [new(), new(), new(), new()];

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

    public ReadOnlySpan<Utf8Slice> Strings(SliceList list) => _strings.Slice(list.Start, list.Count);

    public ReadOnlySpan<int> Ints(IntList list) => _ints.Slice(list.Start, list.Count);

    public ReadOnlySpan<BannerFormat> Formats(Imp imp)
    {
        ArgumentNullException.ThrowIfNull(imp);
        return _formats.Slice(imp.FormatStart, imp.FormatCount);
    }

    public ReadOnlySpan<Deal> Deals(Imp imp)
    {
        ArgumentNullException.ThrowIfNull(imp);
        return _deals.Slice(imp.DealStart, imp.DealCount);
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
        _strings.Reset();
        _ints.Reset();
        _formats.Reset();
        _deals.Reset();
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
            GrowText(_textUsed + length);
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

    internal int StringCount => _strings.Count;

    internal void AddString(Utf8Slice value) => _strings.Add(value);

    internal int IntCount => _ints.Count;

    internal void AddInt(int value) => _ints.Add(value);

    internal int FormatCount => _formats.Count;

    internal void AddFormat(BannerFormat format) => _formats.Add(format);

    internal int DealCount => _deals.Count;

    internal void AddDeal(Deal deal) => _deals.Add(deal);

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

    // Cold: the arena grows until it fits the largest request, then is reused.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowText(int needed) => Array.Resize(ref _text, Math.Max(_text.Length * 2, needed));
}
