using System.Text.Json.Serialization;
using ClickPredict.Core.Registry;

namespace ClickPredict.Bidder.Api;

/// <summary>What <c>GET /admin/model</c> answers.</summary>
internal sealed class ModelView
{
    public ServingView? Serving { get; init; }

    /// <summary>Models kept for rollback, newest first.</summary>
    public IReadOnlyList<string> Previous { get; init; } = [];

    public RegistryView Registry { get; init; } = new();

    /// <summary>The serving model's registry entry and its ancestors', newest first.</summary>
    public IReadOnlyList<RegistryEntry> Lineage { get; init; } = [];

    /// <summary>Models refused since start.</summary>
    public long Refused { get; init; }

    public RefusalView? LastRefusal { get; init; }
}

internal sealed class ServingView
{
    public string Label { get; init; } = string.Empty;

    public string ModelId { get; init; } = string.Empty;

    public int Version { get; init; }

    public string? Parent { get; init; }

    /// <summary><c>registry</c> or <c>default-file</c>.</summary>
    public string Source { get; init; } = string.Empty;

    public string Path { get; init; } = string.Empty;

    public string Algorithm { get; init; } = string.Empty;

    public string SpecName { get; init; } = string.Empty;

    public string SpecFingerprint { get; init; } = string.Empty;

    public int HashBits { get; init; }

    public int NonZeroWeights { get; init; }

    public DateTimeOffset CreatedUtc { get; init; }

    public DateTimeOffset LoadedUtc { get; init; }

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}

internal sealed class RegistryView
{
    public string Path { get; init; } = string.Empty;

    public string? Champion { get; init; }

    public long? Revision { get; init; }

    public string? Error { get; init; }
}

internal sealed class RefusalView
{
    public string Label { get; init; } = string.Empty;

    public string Path { get; init; } = string.Empty;

    public string Reason { get; init; } = string.Empty;

    public DateTimeOffset AtUtc { get; init; }
}

/// <summary>
/// The admin and status endpoints' JSON, source-generated: the bidder's HTTP JSON options resolve these types
/// here first (see <c>AddBidder</c>), with camel-case names, nulls left out and non-finite numbers as strings.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelView))]
[JsonSerializable(typeof(Status.StatusView))]
[JsonSerializable(typeof(ErrorView))]
internal sealed partial class BidderApiJsonContext : JsonSerializerContext;
