namespace ClickPredict.Core.OpenRtb;

/// <summary>Bounds on untrusted bid requests; anything past them is refused, not truncated.</summary>
public sealed record BidRequestLimits
{
    public static BidRequestLimits Default { get; } = new();

    /// <summary>JSON/MessagePack nesting depth (OpenRTB needs about 6).</summary>
    public int MaxDepth { get; init; } = 32;

    public int MaxImps { get; init; } = 64;

    /// <summary>Items in any one list (formats, categories, blocked advertisers, deals, ...).</summary>
    public int MaxListItems { get; init; } = 512;

    /// <summary>Bytes in any one string once unescaped.</summary>
    public int MaxStringBytes { get; init; } = 8192;
}
