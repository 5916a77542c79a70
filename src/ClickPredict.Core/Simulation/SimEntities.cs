namespace ClickPredict.Core.Simulation;

/// <summary>A simulated site or app with its ad slots.</summary>
internal sealed class SimInventory
{
    public required int Index { get; init; }

    public required bool IsApp { get; init; }

    /// <summary>Domain (sites) or bundle (apps).</summary>
    public required string Name { get; init; }

    public required string Category { get; init; }

    public required string PublisherId { get; init; }

    public required SimTag[] Tags { get; init; }

    /// <summary>Typical floor CPM of the inventory (USD).</summary>
    public required double FloorBase { get; init; }

    /// <summary>Kids' inventory: requests carry <c>regs.coppa = 1</c>.</summary>
    public required bool Coppa { get; init; }

    /// <summary>Stable key for the hidden effects.</summary>
    public required uint Key { get; init; }
}

/// <summary>One ad slot of an inventory.</summary>
internal sealed record SimTag(string TagId, int W, int H, int Pos, bool Interstitial, uint Key);
