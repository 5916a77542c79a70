using System.Globalization;
using ClickPredict.Core.Calibration;

namespace ClickPredict.Core.Registry;

public sealed partial class ModelRegistry
{
    /// <summary>
    /// Publishes <paramref name="calibration"/> for the champion it names (<see cref="CalibrationInfo.Model"/>):
    /// writes its file beside the model (replacing the previous one atomically), then the index with the
    /// entry's <see cref="RegistryEntry.Calibration"/>. Returns the calibration as stored (numbered) and its
    /// entry. Refuses a calibration for a model that is not the champion (it changed meanwhile). A calibration
    /// naming a model outside the registry (<see cref="CalibrationInfo.ModelChecksum"/> set: the shipped default
    /// file) is published while the registry has no champion, as the index's <see cref="RegistryIndex.DefaultCalibration"/>.
    /// </summary>
    public (CalibrationShift Stored, CalibrationEntry Entry) PublishCalibration(CalibrationShift calibration, string? reason, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        time ??= TimeProvider.System;
        System.IO.Directory.CreateDirectory(Directory);
        using var gate = Lock();
        var index = ReadIndex();
        var champion = index.ChampionEntry;
        if (calibration.Info.ModelChecksum is { } checksum)
        {
            if (checksum.Length != 16 || !checksum.All(char.IsAsciiHexDigit))
            {
                throw new RegistryException($"registry '{Directory}': '{checksum}' is not a model file checksum (16 hex digits)");
            }

            if (champion is not null || calibration.Info.Model is not { } model)
            {
                throw new RegistryException($"registry '{Directory}': the calibration is for '{calibration.Info.Model}' outside the registry, but the champion is '{champion?.Label ?? "none"}'");
            }

            var previous = index.DefaultCalibration is { } d && d.Calibrates(model, checksum) ? d.Calibration.Version : 0;
            var (stored, entry) = WriteCalibration(calibration, previous + 1, $"default-{checksum}.cal", reason, time);
            WriteIndex(index with
            {
                DefaultCalibration = new DefaultCalibrationEntry { Model = model, ModelChecksum = checksum, Calibration = entry },
                Revision = index.Revision + 1,
            });
            return (stored, entry);
        }

        if (champion is null || !string.Equals(champion.Label, calibration.Info.Model, StringComparison.Ordinal))
        {
            throw new RegistryException($"registry '{Directory}': the calibration is for '{calibration.Info.Model}' but the champion is '{champion?.Label ?? "none"}'");
        }

        var file = string.Create(CultureInfo.InvariantCulture, $"{champion.ModelId}-v{champion.Version:D6}.cal");
        var (championStored, championEntry) = WriteCalibration(calibration, (champion.Calibration?.Version ?? 0) + 1, file, reason, time);
        var versions = index.Versions.Select(v => ReferenceEquals(v, champion) ? v with { Calibration = championEntry } : v).ToList();
        WriteIndex(index with { Versions = versions, Revision = index.Revision + 1 });
        return (championStored, championEntry);
    }

    /// <summary>The calibration published for the model outside the registry with this label and file checksum; null when there is none.</summary>
    public CalibrationShift? LoadDefaultCalibration(string model, string checksum) =>
        ReadIndex().DefaultCalibration is { } entry && entry.Calibrates(model, checksum)
            ? CalibrationFile.Load(Path.Combine(Directory, entry.Calibration.File))
            : null;

    /// <summary>Numbers the calibration <paramref name="version"/>, writes it to <paramref name="file"/> atomically, and returns it with its lineage.</summary>
    private (CalibrationShift Stored, CalibrationEntry Entry) WriteCalibration(CalibrationShift calibration, int version, string file, string? reason, TimeProvider time)
    {
        var stored = new CalibrationShift(calibration.Schema, calibration.Global, calibration.Segments, calibration.MaxShift, calibration.Info with { Version = version });
        var bytes = CalibrationFile.Serialize(stored);
        WriteAtomically(Path.Combine(Directory, file), bytes);
        var info = stored.Info;
        return (stored, new CalibrationEntry
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
        });
    }

    /// <summary>Loads the calibration an entry names (throws <see cref="Model.ModelFormatException"/> when its file is refused); null when it has none.</summary>
    public CalibrationShift? LoadCalibration(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Calibration is { } calibration ? CalibrationFile.Load(Path.Combine(Directory, calibration.File)) : null;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
