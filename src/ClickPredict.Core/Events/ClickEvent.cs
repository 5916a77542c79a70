using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>A click on a served ad. Keyed by <see cref="BidId"/>.</summary>
[MessagePackObject]
public sealed class ClickEvent
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    [Key(1)]
    public long TimeUnixMs { get; set; }
}
