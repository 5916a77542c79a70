using System.Text.Json;
using ClickPredict.Core.Metrics;

namespace ClickPredict.Cli;

/// <summary>How the commands' <c>--json</c> output writes metric values: numbers, or null when not finite; the reliability table.</summary>
internal static class MetricsJson
{
    /// <summary>Writes <paramref name="value"/>, or null when it is NaN or infinite (JSON has no such numbers).</summary>
    public static void Number(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    /// <summary>Writes the reliability table as the array <c>reliability</c>: count, min, max and mean predicted, observed rate per bin.</summary>
    public static void Reliability(Utf8JsonWriter writer, IReadOnlyList<ReliabilityBin> bins)
    {
        writer.WriteStartArray("reliability");
        foreach (var bin in bins)
        {
            writer.WriteStartObject();
            writer.WriteNumber("count", bin.Count);
            Number(writer, "minPredicted", bin.MinPredicted);
            Number(writer, "maxPredicted", bin.MaxPredicted);
            Number(writer, "meanPredicted", bin.MeanPredicted);
            Number(writer, "observedRate", bin.ObservedRate);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
