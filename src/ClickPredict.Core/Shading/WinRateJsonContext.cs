using System.Text.Json.Serialization;

namespace ClickPredict.Core.Shading;

/// <summary>Source-generated JSON for win-rate model headers.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    WriteIndented = false)]
[JsonSerializable(typeof(WinRateHeader))]
internal sealed partial class WinRateJsonContext : JsonSerializerContext;
