using System.Text.Json.Serialization;

namespace ClickPredict.Benchmarks.Soak;

/// <summary>What <c>trainer-soak</c> found: the examples expected (one per won auction), lost, duplicated, mislabelled and unexpected, and the run.</summary>
internal sealed record SoakReport(
    int Expected,
    int Lost,
    int Duplicated,
    int Mislabeled,
    int Unexpected,
    int Auctions,
    long Events,
    int Outages,
    int Kills,
    int OutageSeconds,
    double Seconds,
    bool Settled,
    IReadOnlyList<string> Faults);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SoakReport))]
internal sealed partial class SoakJsonContext : JsonSerializerContext;
