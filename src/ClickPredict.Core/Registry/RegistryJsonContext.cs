using System.Text.Json.Serialization;

namespace ClickPredict.Core.Registry;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    WriteIndented = true)]
[JsonSerializable(typeof(RegistryIndex))]
[JsonSerializable(typeof(List<RegistryDecision>))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
