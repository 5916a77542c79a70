using System.Globalization;
using ClickPredict.Core.Events;

namespace ClickPredict.Core.Shading;

/// <summary>
/// The <see cref="ShadingContext"/> of a logged bid, rebuilt from its event as the bidder built it from the
/// request: the exchange, the slot size (<c>imp.size</c>), the floor in US dollars (the event's
/// <see cref="BidEvent.FloorCpmUsd"/>), the hour (<c>time.hour</c>), the device type (<c>device.type</c>) and
/// whether it was an app (<c>channel</c>).
/// </summary>
public static class ShadingContexts
{
    /// <summary>The context of <paramref name="bid"/> under exchange key <paramref name="exchangeKey"/>.</summary>
    public static ShadingContext FromBidEvent(BidEvent bid, uint exchangeKey)
    {
        ArgumentNullException.ThrowIfNull(bid);
        var fields = bid.Fields;
        var (width, height) = Size(fields.GetValueOrDefault("imp.size"));
        return new ShadingContext(
            exchangeKey,
            width,
            height,
            bid.FloorCpmUsd,
            Int(fields.GetValueOrDefault("time.hour")),
            Int(fields.GetValueOrDefault("device.type")),
            string.Equals(fields.GetValueOrDefault("channel"), "app", StringComparison.Ordinal));
    }

    private static (int Width, int Height) Size(string? text)
    {
        var x = text?.IndexOf('x', StringComparison.Ordinal) ?? -1;
        return x > 0 && int.TryParse(text.AsSpan(0, x), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(text.AsSpan(x + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            ? (w, h)
            : (0, 0);
    }

    private static int Int(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
