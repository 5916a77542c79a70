using System.Text.Json.Serialization;
using ClickPredict.Bidder.Api;
using ClickPredict.Core.Registry;

namespace ClickPredict.Bidder.Status;

/// <summary>What <c>GET /status.json</c> answers: everything the status page draws.</summary>
internal sealed class StatusView
{
    public DateTimeOffset GeneratedUtc { get; init; }

    public int BucketSeconds { get; init; }

    /// <summary>How long an impression waits for its click before it is scored.</summary>
    public int LabelDelaySeconds { get; init; }

    /// <summary>The serving model, its lineage and the registry (as <c>/admin/model</c>, without the need for a token).</summary>
    public ModelView Model { get; init; } = new();

    /// <summary>The live calibration serving with the model (swapped without reloading it).</summary>
    public CalibrationView Calibration { get; init; } = new();

    /// <summary>Published versions, newest first, with the reason each was published.</summary>
    public IReadOnlyList<RegistryEntry> Publishes { get; init; } = [];

    /// <summary>The retrain policy's last decisions (published or not), newest first.</summary>
    public IReadOnlyList<RegistryDecision> Decisions { get; init; } = [];

    public IReadOnlyList<StatusPoint> Series { get; init; } = [];

    public long PendingImpressions { get; init; }

    public long UntrackedWins { get; init; }

    public long UnscoredWins { get; init; }

    /// <summary>Today's spend per campaign as this bidder enforces it, and how it is read back from the fleet.</summary>
    public FleetView Fleet { get; init; } = new();

    /// <summary>First-price shading: the pricing rule and the win-rate model in service.</summary>
    public WinRateView? WinRate { get; init; }
}
