using System.Globalization;
using ClickPredict.Core.Features;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Options;

/// <summary>Checks <see cref="TrainerOptions"/> at start; every message names its configuration key.</summary>
internal sealed class TrainerOptionsValidator(Hosting.TrainerPaths paths) : IValidateOptions<TrainerOptions>
{
    private const string S = TrainerOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        NotEmpty("StateDirectory", options.StateDirectory, failures);
        if (string.IsNullOrWhiteSpace(options.FeatureSpecPath))
        {
            failures.Add($"{S}:FeatureSpecPath must not be empty.");
        }
        else
        {
            var path = paths.Resolve(options.FeatureSpecPath);
            try
            {
                var spec = FeatureSpec.Load(path);
                if (!ReferenceEquals(spec.Schema, FieldSchema.OpenRtb))
                {
                    failures.Add($"{S}:FeatureSpecPath '{path}' uses schema '{spec.Schema.Name}'; the trainer learns from OpenRTB events (schema 'openrtb').");
                }
            }
            catch (Exception e) when (e is FeatureSpecException or IOException or UnauthorizedAccessException)
            {
                failures.Add($"{S}:FeatureSpecPath: cannot load '{path}': {e.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ModelId) || !options.ModelId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            failures.Add($"{S}:ModelId must be letters, digits, '-', '_' or '.', but was '{options.ModelId}'.");
        }

        var joiner = options.Joiner;
        if (joiner is null)
        {
            failures.Add($"{S}:Joiner must be set.");
        }
        else
        {
            NotEmpty("Joiner:GroupId", joiner.GroupId, failures);
            Range("Joiner:Consumers", joiner.Consumers, 1, 64, failures);
            Seconds("Joiner:BidWaitSeconds", joiner.BidWaitSeconds, failures);
            Seconds("Joiner:WinWaitSeconds", joiner.WinWaitSeconds, failures);
            Seconds("Joiner:AttributionWindowSeconds", joiner.AttributionWindowSeconds, failures);
            Seconds("Joiner:DedupeRetentionSeconds", joiner.DedupeRetentionSeconds, failures);
            Range("Joiner:CheckpointIntervalMs", joiner.CheckpointIntervalMs, 10, 3_600_000, failures);
            Range("Joiner:IdleAdvanceMs", joiner.IdleAdvanceMs, 0, 3_600_000, failures);
            Range("Joiner:OutageHoldMs", joiner.OutageHoldMs, 0, 3_600_000, failures);
            Range("Joiner:RecoveryScanLimit", joiner.RecoveryScanLimit, 0, 100_000_000, failures);
        }

        var learner = options.Learner;
        if (learner is null)
        {
            failures.Add($"{S}:Learner must be set.");
        }
        else
        {
            NotEmpty("Learner:GroupId", learner.GroupId, failures);
            Positive("Learner:Alpha", learner.Alpha, failures);
            Positive("Learner:Beta", learner.Beta, failures);
            NonNegative("Learner:Lambda1", learner.Lambda1, failures);
            NonNegative("Learner:Lambda2", learner.Lambda2, failures);

            if (!(learner.NegativeSamplingRate is > 0 and <= 1))
            {
                failures.Add($"{S}:Learner:NegativeSamplingRate must be in (0, 1], but was {Format(learner.NegativeSamplingRate)}.");
            }

            Range("Learner:HoldoutExamples", learner.HoldoutExamples, 0, 5_000_000, failures);
            Seconds("Learner:CheckpointIntervalSeconds", learner.CheckpointIntervalSeconds, failures);
            Range("Learner:CheckIntervalMs", learner.CheckIntervalMs, 10, 3_600_000, failures);
            if (learner.Calibration?.ToCalibrationOptions() is { } calibration)
            {
                failures.AddRange(calibration.Validate($"{S}:Learner:Calibration", ClickPredict.Core.Features.FieldSchema.OpenRtb));
                for (var i = 0; i < calibration.SegmentFields.Length; i++)
                {
                    var field = calibration.SegmentFields[i];
                    if (ClickPredict.Core.Features.FieldSchema.OpenRtb.TryGetField(field, out var definition) && definition.Scope != ClickPredict.Core.Features.FieldScope.Request)
                    {
                        failures.Add($"{S}:Learner:Calibration:SegmentFields:{i} '{field}' is a field of the creative, not of the request; the bidder calibrates with request fields only.");
                    }
                }
            }
        }

        var winRate = options.WinRate;
        if (winRate is null)
        {
            failures.Add($"{S}:WinRate must be set.");
        }
        else
        {
            NotEmpty("WinRate:GroupId", winRate.GroupId, failures);
            NotEmpty("WinRate:RegistryPath", winRate.RegistryPath, failures);
            Range("WinRate:Retain", winRate.Retain, 1, 10_000, failures);
            Seconds("WinRate:WinWaitSeconds", winRate.WinWaitSeconds, failures);
            Range("WinRate:PublishEveryOutcomes", winRate.PublishEveryOutcomes, 1, 100_000_000, failures);
            Range("WinRate:MinOutcomes", winRate.MinOutcomes, 0, 100_000_000, failures);
            if (!(winRate.MaxLogLossRatio is >= 0.5 and <= 2))
            {
                failures.Add($"{S}:WinRate:MaxLogLossRatio must be between 0.5 and 2, but was {Format(winRate.MaxLogLossRatio)}.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void NotEmpty(string key, string? value, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{S}:{key} must not be empty.");
        }
    }

    private static void Positive(string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            failures.Add($"{S}:{key} must be a finite number > 0, but was {Format(value)}.");
        }
    }

    private static void NonNegative(string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value >= 0))
        {
            failures.Add($"{S}:{key} must be a finite number >= 0, but was {Format(value)}.");
        }
    }

    private static void Seconds(string key, double value, List<string> failures)
    {
        if (!(double.IsFinite(value) && value > 0))
        {
            failures.Add($"{S}:{key} must be a finite number of seconds > 0, but was {Format(value)}.");
        }
    }

    private static void Range(string key, long value, long min, long max, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add($"{S}:{key} must be between {min} and {max}, but was {value}.");
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
