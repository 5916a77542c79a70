using System.Text.Json.Serialization;

namespace ClickPredict.Core.Model;

/// <summary>Source-generated JSON for model headers and registry indexes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    WriteIndented = false)]
[JsonSerializable(typeof(ModelInfo))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
