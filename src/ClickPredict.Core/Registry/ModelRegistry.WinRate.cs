using ClickPredict.Core.Shading;

namespace ClickPredict.Core.Registry;

/// <summary>
/// Win-rate models (<c>*.cpw</c>, <see cref="WinRateModelFile"/>) in a registry of their own: the same index,
/// lineage, atomic writes, lock and retention as CTR models, so bidders watch and swap them the same way.
/// </summary>
public sealed partial class ModelRegistry
{
    /// <summary>The <see cref="RegistryEntry.Algorithm"/> of a win-rate model.</summary>
    public const string WinRateAlgorithm = "log-logistic win rate";

    /// <summary>
    /// Publishes <paramref name="model"/> as the next version of its model id and makes it the champion; its
    /// parent defaults to the current champion. Returns the new entry.
    /// </summary>
    public RegistryEntry PublishWinRate(WinRateModel model, string? reason, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        time ??= TimeProvider.System;
        System.IO.Directory.CreateDirectory(Directory);
        using var gate = Lock();
        var index = ReadIndex();
        var version = NextVersion(index, model.Info.ModelId);

        var info = model.Info with { Version = version, Parent = model.Info.Parent ?? index.Champion };
        var stamped = model.WithInfo(info);
        var bytes = WinRateModelFile.Serialize(stamped);
        var file = WriteVersion(info.ModelId, version, "cpw", bytes);

        var entry = NewEntry(info.Label, info.ModelId, version, file, info.Parent, info.CreatedUtc, time) with
        {
            Algorithm = WinRateAlgorithm,
            SpecName = "shading",
            FileBytes = bytes.Length,
            NonZeroWeights = stamped.NonZeroSlots(),
            Metrics = info.Metrics,
            Reason = reason,
        };

        AddToIndex(index, entry, makeChampion: true);
        return entry;
    }

    /// <summary>One more than the highest version of <paramref name="modelId"/> in <paramref name="index"/> (1 for a new line).</summary>
    private static int NextVersion(RegistryIndex index, string modelId)
    {
        var version = 1;
        foreach (var e in index.Versions)
        {
            if (string.Equals(e.ModelId, modelId, StringComparison.Ordinal))
            {
                version = Math.Max(version, e.Version + 1);
            }
        }

        return version;
    }

    /// <summary>Loads the champion win-rate model, or returns null when none is published. Throws <see cref="Model.ModelFormatException"/> when its file is refused.</summary>
    public WinRateModel? LoadWinRateChampion(out RegistryEntry? entry)
    {
        entry = ReadIndex().ChampionEntry;
        return entry is null ? null : WinRateModelFile.Load(PathOf(entry));
    }
}
