using System.Text;

namespace ClickPredict.Bidder.Bidding;

/// <summary>An exchange we bid for: its name (the <c>exchange</c> feature's value) and how it wants no-bids.</summary>
internal sealed class Exchange(string name, int noBidStatus)
{
    public string Name { get; } = name;

    public byte[] NameUtf8 { get; } = Encoding.UTF8.GetBytes(name);

    /// <summary>The exchange's key in a win-rate model (<see cref="Core.Shading.ShadingContext.KeyOf(string)"/>).</summary>
    public uint ShadingKey { get; } = Core.Shading.ShadingContext.KeyOf(name);

    /// <summary>204, or 200 with a no-bid body carrying <c>nbr</c>.</summary>
    public int NoBidStatus { get; } = noBidStatus;
}
