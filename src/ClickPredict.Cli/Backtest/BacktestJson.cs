using System.Text;
using System.Text.Json;
using ClickPredict.Core.Metrics;
using static ClickPredict.Cli.MetricsJson;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// A back-test as one JSON document: what <c>--json</c> prints and what the HTML report embeds and
/// draws its charts from. NaN (an AUC with one class, say) is written as null. Every difference is
/// candidate minus baseline.
/// </summary>
internal static class BacktestJson
{
    /// <summary>Suggestions whose curves are written (the report charts these, best first).</summary>
    public const int ChartedSuggestions = 5;

    public static string Serialize(BacktestResult result, bool indented)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, result);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Utf8JsonWriter writer, BacktestResult result)
    {
        var settings = result.Settings;
        writer.WriteStartObject();
        writer.WriteString("command", settings.CommandLine);
        writer.WriteString("data", settings.Data);
        writer.WriteString("format", CliOptions.Describe(settings.Format));
        writer.WriteNumber("rows", result.Rows);
        writer.WriteNumber("clicks", result.Positives);
        writer.WriteString("algorithm", settings.Algorithm);
        writer.WriteStartObject("hyperParameters");
        var hyper = settings.Algorithm == BacktestSettings.Lbfgs ? settings.LbfgsOptions.ToDictionary() : settings.FtrlOptions.ToDictionary();
        foreach (var (key, value) in hyper)
        {
            Number(writer, key, value);
        }

        if (settings.Algorithm == BacktestSettings.Ftrl)
        {
            writer.WriteNumber("passes", settings.Passes);
        }

        writer.WriteEndObject();

        writer.WriteStartObject("split");
        writer.WriteString("mode", settings.Progressive ? "progressive" : "positional");
        if (!settings.Progressive)
        {
            Number(writer, "trainFraction", settings.TrainFraction);
        }

        writer.WriteNumber("trainRows", result.TrainRows);
        writer.WriteNumber("testFrom", result.TestFrom);
        writer.WriteNumber("testRows", result.TestRows);
        writer.WriteNumber("testClicks", result.TestPositives);
        Time(writer, "testFromUtc", result.TestFromUtc);
        Time(writer, "testToUtc", result.TestToUtc);
        writer.WriteEndObject();

        writer.WriteStartObject("bootstrap");
        writer.WriteNumber("resamples", settings.Resamples);
        Number(writer, "confidence", settings.Confidence);
        writer.WriteNumber("seed", settings.Seed);
        writer.WriteEndObject();

        if (settings.NoiseField is { } noise)
        {
            writer.WriteStartObject("noise");
            writer.WriteString("field", noise.Name);
            writer.WriteNumber("cardinality", settings.NoiseCardinality);
            writer.WriteNumber("seed", settings.Seed);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("noise");
        }

        writer.WriteStartObject("timing");
        writer.WriteString("clock", ThreadClock.Description);
        writer.WriteNumber("requests", result.TimingRequests);
        writer.WriteString("statistic", "fastest of 10 rounds, models taking turns");
        if (settings.Suggest)
        {
            Number(writer, "resolutionNanoseconds", result.TimingResolutionNanoseconds);
        }

        writer.WriteEndObject();

        if (result.ExtractNanoseconds is { } extract)
        {
            writer.WriteStartObject("extraction");
            Number(writer, "nanosecondsPerRequest", extract);
            writer.WriteString("measuredOn", result.ExtractSource);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("extraction");
        }

        writer.WriteStartArray("specs");
        foreach (var spec in result.Specs)
        {
            WriteSpec(writer, spec, result.ExtractNanoseconds, curves: true);
        }

        writer.WriteEndArray();

        if (settings.Suggest)
        {
            if (settings.SuggestFields is { } fields)
            {
                writer.WriteStartArray("suggestFields");
                foreach (var field in fields)
                {
                    writer.WriteStringValue(field.Name);
                }

                writer.WriteEndArray();
            }
            else
            {
                writer.WriteNull("suggestFields");
            }

            writer.WriteStartArray("suggestions");
            for (var i = 0; i < result.Suggestions.Count; i++)
            {
                var suggestion = result.Suggestions[i];
                writer.WriteStartObject();
                writer.WriteNumber("rank", i + 1);
                writer.WriteString("change", suggestion.Outcome.Source.Change);
                Number(writer, "gain", suggestion.Gain);
                Number(writer, "extraNanoseconds", suggestion.ExtraNanoseconds);
                Number(writer, "gainPerNanosecond", suggestion.GainPerNanosecond);
                writer.WriteBoolean("significant", suggestion.Significant);
                writer.WritePropertyName("outcome");
                WriteSpec(writer, suggestion.Outcome, result.ExtractNanoseconds, curves: i < ChartedSuggestions);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        Number(writer, "wallSeconds", result.WallSeconds);
        writer.WriteEndObject();
    }

    private static void WriteSpec(Utf8JsonWriter writer, SpecOutcome outcome, double? extract, bool curves)
    {
        var source = outcome.Source;
        var spec = source.Spec;
        writer.WriteStartObject();
        writer.WriteString("role", source.Role);
        writer.WriteString("name", source.Label);
        writer.WriteString("file", source.Path);
        writer.WriteString("change", source.Change);
        writer.WriteStartObject("spec");
        writer.WriteString("name", spec.Name);
        writer.WriteString("fingerprint", spec.FingerprintHex);
        writer.WriteNumber("hashBits", spec.HashBits);
        writer.WriteNumber("fields", spec.Fields.Count);
        writer.WriteNumber("crosses", spec.Crosses.Count);
        writer.WriteNumber("features", spec.Fields.Count + spec.Crosses.Count);
        writer.WriteEndObject();

        var e = outcome.Evaluation;
        writer.WriteStartObject("metrics");
        writer.WriteNumber("rows", e.Rows);
        writer.WriteNumber("clicks", e.Positives);
        Number(writer, "logLoss", e.LogLoss);
        Number(writer, "auc", e.Auc);
        Number(writer, "normalizedEntropy", e.NormalizedEntropy);
        Number(writer, "calibration", e.Calibration);
        Number(writer, "meanPredicted", e.MeanPredicted);
        Number(writer, "observedCtr", e.ObservedCtr);
        MetricsJson.Reliability(writer, e.Reliability);
        writer.WriteEndObject();

        if (outcome.VsBaseline is { } vs)
        {
            writer.WriteStartObject("vsBaseline");
            Difference(writer, "logLoss", vs.LogLoss);
            Difference(writer, "auc", vs.Auc);
            Difference(writer, "normalizedEntropy", vs.NormalizedEntropy);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("vsBaseline");
        }

        writer.WriteStartObject("servingCost");
        Number(writer, "hashScoreNanoseconds", outcome.HashScoreNanoseconds);
        if (extract is { } x)
        {
            Number(writer, "extractNanoseconds", x);
            Number(writer, "totalNanoseconds", x + outcome.HashScoreNanoseconds);
        }
        else
        {
            writer.WriteNull("extractNanoseconds");
            Number(writer, "totalNanoseconds", outcome.HashScoreNanoseconds);
        }

        writer.WriteNumber("nonZeroWeights", outcome.NonZeroWeights);
        writer.WriteNumber("weightBytes", outcome.WeightBytes);
        writer.WriteNumber("modelFileBytes", outcome.ModelFileBytes);
        writer.WriteEndObject();

        if (outcome.OnlineCalibration is { } calibration)
        {
            Calibration.CalibrationReport.WriteJson(writer, calibration);
        }

        writer.WriteStartObject("training");
        writer.WriteNumber("rows", outcome.TrainRows);
        writer.WriteNumber("examplesSeen", outcome.ExamplesSeen);
        Number(writer, "wallSeconds", outcome.TrainWallSeconds);
        Number(writer, "cpuSeconds", outcome.TrainCpuSeconds);
        writer.WriteEndObject();

        if (curves)
        {
            writer.WriteStartObject("curves");
            writer.WriteStartArray("roc");
            foreach (var point in outcome.Roc)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(Math.Round(point.FalsePositiveRate, 6));
                writer.WriteNumberValue(Math.Round(point.TruePositiveRate, 6));
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("logLossOverTime");
            foreach (var (rows, logLoss) in outcome.LossOverTime)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(rows);
                writer.WriteNumberValue(logLoss);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void Difference(Utf8JsonWriter writer, string name, MetricDifference d)
    {
        writer.WriteStartObject(name);
        Number(writer, "baseline", d.Baseline);
        Number(writer, "candidate", d.Candidate);
        Number(writer, "difference", d.Difference);
        Number(writer, "lower", d.Lower);
        Number(writer, "upper", d.Upper);
        Number(writer, "standardError", d.StandardError);
        writer.WriteBoolean("excludesZero", d.ExcludesZero);
        writer.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter writer, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            writer.WriteString(name, t.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
