namespace ClickPredict.Core.Registry;

/// <summary>The registry's <c>index.json</c>: every retained version and the champion pointer bidders watch.</summary>
public sealed record RegistryIndex
{
    /// <summary>Label of the model bidders should serve, or null when none has been published.</summary>
    public string? Champion { get; init; }

    /// <summary>Retained versions, oldest first.</summary>
    public IReadOnlyList<RegistryEntry> Versions { get; init; } = [];

    /// <summary>
    /// The calibration of the model that serves while the registry has no champion (the shipped default file, which
    /// is not in the registry): named by its label and file checksum. Null: none.
    /// </summary>
    public DefaultCalibrationEntry? DefaultCalibration { get; init; }

    /// <summary>Bumped on every change, so a watcher can tell a new index from the one it has.</summary>
    public long Revision { get; init; }

    public RegistryEntry? Find(string label)
    {
        foreach (var entry in Versions)
        {
            if (string.Equals(entry.Label, label, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    public RegistryEntry? ChampionEntry => Champion is null ? null : Find(Champion);
}
