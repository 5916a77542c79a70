using System.Text.Json.Serialization;

namespace ClickPredict.Cli.Commands;

/// <summary>Source-generated JSON of the <c>shading-sim</c> report.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ShadingSimReport))]
internal sealed partial class ShadingSimJsonContext : JsonSerializerContext;
