using System.Text;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Shading;

/// <summary>
/// What the win-rate model knows of an auction besides the bid: the exchange (as a key, see
/// <see cref="KeyOf(string)"/>), the slot's size, its floor (CPM, USD), the hour (UTC), the device type
/// and whether it is an app. The bidder fills it from the parsed request without allocating; the trainer
/// from a logged bid's fields.
/// </summary>
public readonly struct ShadingContext
{
    private const uint ExchangeSeed = 0x57a1e5edu;

    public ShadingContext(uint exchangeKey, int width, int height, double floorCpm, int hourUtc, int deviceType, bool isApp)
    {
        ExchangeKey = exchangeKey;
        Width = width;
        Height = height;
        FloorCpm = floorCpm;
        HourUtc = hourUtc;
        DeviceType = deviceType;
        IsApp = isApp;
    }

    public uint ExchangeKey { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The imp's floor in US dollars CPM (0 when none).</summary>
    public double FloorCpm { get; }

    /// <summary>Hour of the auction, 0-23, UTC.</summary>
    public int HourUtc { get; }

    /// <summary>OpenRTB <c>device.devicetype</c> (0 when absent).</summary>
    public int DeviceType { get; }

    public bool IsApp { get; }

    /// <summary>The key of an exchange name (its UTF-8 bytes hashed): what a context and a model file use.</summary>
    public static uint KeyOf(ReadOnlySpan<byte> utf8Name) => MurmurHash3.Hash32(utf8Name, ExchangeSeed);

    /// <inheritdoc cref="KeyOf(ReadOnlySpan{byte})"/>
    public static uint KeyOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return KeyOf(Encoding.UTF8.GetBytes(name));
    }
}
