namespace ClickPredict.Core.OpenRtb;

/// <summary>A string of a parsed <see cref="BidRequest"/>: a range of its UTF-8 text arena (unescaped), or absent.</summary>
public readonly record struct Utf8Slice(int Start, int Length)
{
    /// <summary>The absent value: the field was not in the request (or was JSON null).</summary>
    public static Utf8Slice None => new(0, -1);

    public bool IsPresent => Length >= 0;

    /// <summary>Present and not empty.</summary>
    public bool HasValue => Length > 0;
}

/// <summary>A list of strings of a parsed request: a range of its string pool.</summary>
public readonly record struct SliceList(int Start, int Count);

/// <summary>A list of integers of a parsed request: a range of its integer pool.</summary>
public readonly record struct IntList(int Start, int Count);

/// <summary>One entry of <c>banner.format</c>.</summary>
public readonly record struct BannerFormat(int W, int H);

/// <summary>One entry of <c>imp.pmp.deals</c>.</summary>
public readonly record struct Deal(Utf8Slice Id, double BidFloor, Utf8Slice BidFloorCur, int? AuctionType);
