using System.Text.Json.Serialization;

namespace ClickPredict.Core.Calibration;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(CalibrationHeader))]
internal sealed partial class CalibrationJsonContext : JsonSerializerContext;
