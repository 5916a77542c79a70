using System.Globalization;
using ClickPredict.Core.Calibration;

namespace ClickPredict.Core.Registry;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// Publishes <paramref name="calibration"/> for the champion it names (<see cref="CalibrationInfo.Model"/>):
    /// writes its file beside the model (replacing the previous one atomically), then the index with the
    /// entry's <see cref="RegistryEntry.Calibration"/>. Returns the calibration as stored (numbered) and its
    /// entry. Refuses a calibration for a model that is not the champion (it changed meanwhile).
    /// </summary>
    public (CalibrationShift Stored, CalibrationEntry Entry) PublishCalibration(CalibrationShift calibration, string? reason, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        time ??= TimeProvider.System;
        using var gate = Lock();
        var index = ReadIndex();
        var champion = index.ChampionEntry;
        if (champion is null || !string.Equals(champion.Label, calibration.Info.Model, StringComparison.Ordinal))
        {
            throw new RegistryException($"registry '{Directory}': the calibration is for '{calibration.Info.Model}' but the champion is '{champion?.Label ?? "none"}'");
        }

        var version = (champion.Calibration?.Version ?? 0) + 1;
        var stored = new CalibrationShift(calibration.Schema, calibration.Global, calibration.Segments, calibration.MaxShift, calibration.Info with { Version = version });
        var file = string.Create(CultureInfo.InvariantCulture, $"{champion.ModelId}-v{champion.Version:D6}.cal");
        var bytes = CalibrationFile.Serialize(stored);
        WriteAtomically(Path.Combine(Directory, file), bytes);
        var info = stored.Info;
        var entry = new CalibrationEntry
        {
            File = file,
            Version = version,
            PublishedUtc = time.GetUtcNow(),
            FileBytes = bytes.Length,
            GlobalShift = stored.Global,
            Segments = stored.Segments.Count,
            Examples = info.Examples,
            Clicks = info.Clicks,
            ObservedOverPredicted = Finite(info.ObservedOverPredicted),
            RecentLogLoss = Finite(info.RecentLogLoss),
            ServingLogLoss = Finite(info.ServingLogLoss),
            UncalibratedLogLoss = Finite(info.UncalibratedLogLoss),
            HalfLife = info.HalfLife,
            Reason = reason,
        };
        var versions = index.Versions.Select(v => ReferenceEquals(v, champion) ? v with { Calibration = entry } : v).ToList();
        WriteIndex(index with { Versions = versions, Revision = index.Revision + 1 });
        return (stored, entry);
    }

    /// <summary>Loads the calibration an entry names (throws <see cref="Model.ModelFormatException"/> when its file is refused); null when it has none.</summary>
    public CalibrationShift? LoadCalibration(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Calibration is { } calibration ? CalibrationFile.Load(Path.Combine(Directory, calibration.File)) : null;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
