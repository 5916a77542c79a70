using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Shading;

/// <summary>
/// The win-rate model's features, each crossed with the exchange so every exchange has its own curve:
/// an intercept, the log of the floor (a slope) and its bucket, the size, the hour, the device type and
/// app or site. Each is hashed to a slot of the model's tables. The location of the curve uses them all;
/// its spread only the exchange, the size and the floor bucket (censored outcomes say less about spread).
/// </summary>
internal static class ShadingFeatures
{
    public const int Count = 7;

    /// <summary>Names of the features in order, written into model files: a file with another list is refused.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["exchange", "exchange*ln(floor)", "exchange*floor-bucket", "exchange*size", "exchange*hour", "exchange*device-type", "exchange*app"];

    /// <summary>Whether feature i enters the spread (the log of the scale) as well as the location.</summary>
    public static ReadOnlySpan<bool> InScale => [true, false, true, true, false, false, false];

    /// <summary>Floors below this (CPM) count as this for the log-floor feature.</summary>
    private const double MinFloor = 0.01;

    /// <summary>Buckets of the log floor are this wide (about 28% apart).</summary>
    private const double BucketWidth = 0.25;

    /// <summary>Fills the slot and value of each feature of <paramref name="context"/>.</summary>
    public static void Fill(in ShadingContext context, uint seed, int mask, Span<int> slots, Span<double> values)
    {
        var exchange = context.ExchangeKey;
        var logFloor = Math.Log(Math.Max(context.FloorCpm, MinFloor));
        var bucket = (int)Math.Floor(logFloor / BucketWidth);
        slots[0] = Slot(exchange, 0, 0, seed, mask);
        values[0] = 1;
        slots[1] = Slot(exchange, 1, 0, seed, mask);
        values[1] = logFloor;
        slots[2] = Slot(exchange, 2, (uint)bucket, seed, mask);
        values[2] = 1;
        slots[3] = Slot(exchange, 3, ((uint)context.Width << 16) | (uint)(context.Height & 0xffff), seed, mask);
        values[3] = 1;
        slots[4] = Slot(exchange, 4, (uint)context.HourUtc, seed, mask);
        values[4] = 1;
        slots[5] = Slot(exchange, 5, (uint)context.DeviceType, seed, mask);
        values[5] = 1;
        slots[6] = Slot(exchange, 6, context.IsApp ? 1u : 0u, seed, mask);
        values[6] = 1;
    }

    private static int Slot(uint exchange, uint feature, uint value, uint seed, int mask) =>
        (int)(MurmurHash3.Hash32(exchange, feature, value, seed) & (uint)mask);
}
