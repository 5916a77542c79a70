namespace ClickPredict.Core.Shading;

/// <summary>The JSON header of a win-rate model file (see <see cref="WinRateModelFile"/>).</summary>
internal sealed class WinRateHeader
{
    public WinRateModelInfo? Info { get; set; }

    public int HashBits { get; set; }

    public uint Seed { get; set; }

    public List<string> Features { get; set; } = [];

    public double LocationOffset { get; set; }

    public double LogScaleOffset { get; set; }

    public List<WinRateHeaderExchange> Exchanges { get; set; } = [];
}
