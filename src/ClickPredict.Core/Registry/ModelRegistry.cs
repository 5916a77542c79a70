using System.Globalization;
using System.Text.Json;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Registry;

/// <summary>
/// A directory of published models: one file per version plus <c>index.json</c>, which lists the
/// retained versions with their lineage and names the champion that bidders serve. Every change is
/// atomic (write a temporary file, flush it to disk, rename over the old one) and serialised across
/// processes by an exclusive lock file, so a bidder never reads a half-written model or index.
/// </summary>
public sealed partial class ModelRegistry
{
    public const string IndexFileName = "index.json";
    public const string DecisionsFileName = "decisions.json";

    /// <summary>How many policy decisions <see cref="RecordDecision"/> keeps.</summary>
    public const int DecisionsKept = 50;
    private const string LockFileName = "index.lock";

    public ModelRegistry(string directory, int retain = 20)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(retain, 1);
        Directory = Path.GetFullPath(directory);
        Retain = retain;
    }

    public string Directory { get; }

    /// <summary>How many versions to keep (the champion is always kept).</summary>
    public int Retain { get; }

    public string IndexPath => Path.Combine(Directory, IndexFileName);

    /// <summary>The index; an empty one when nothing has been published yet.</summary>
    public RegistryIndex ReadIndex()
    {
        var path = IndexPath;
        if (!File.Exists(path))
        {
            return new RegistryIndex();
        }

        try
        {
            var bytes = File.ReadAllBytes(path);
            return JsonSerializer.Deserialize(bytes, RegistryJsonContext.Default.RegistryIndex)
                ?? throw new RegistryException($"registry '{Directory}': {IndexFileName} is null");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"registry '{Directory}': {IndexFileName} is not a valid index: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new RegistryException($"registry '{Directory}': cannot read {IndexFileName}: {e.Message}", e);
        }
    }

    /// <summary>The full path of an entry's model file.</summary>
    public string PathOf(RegistryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Path.Combine(Directory, entry.File);
    }

    /// <summary>Loads the champion, or returns null when none is published. Throws when its file is refused.</summary>
    public LogisticModel? LoadChampion(out RegistryEntry? entry)
    {
        entry = ReadIndex().ChampionEntry;
        return entry is null ? null : ModelFile.Load(PathOf(entry));
    }

    /// <summary>
    /// Publishes <paramref name="model"/> as the next version of its model id and, when
    /// <paramref name="makeChampion"/>, points the champion at it. Its parent defaults to the current
    /// champion. Returns the new entry.
    /// </summary>
    public RegistryEntry Publish(LogisticModel model, string? reason, bool makeChampion = true, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        time ??= TimeProvider.System;
        System.IO.Directory.CreateDirectory(Directory);
        using var gate = Lock();
        var index = ReadIndex();
        var version = NextVersion(index, model.Info.ModelId);

        var info = model.Info with
        {
            Version = version,
            Parent = model.Info.Parent ?? index.Champion,
        };
        var stamped = model.WithInfo(info);
        var bytes = ModelFile.Serialize(stamped);
        var file = WriteVersion(info.ModelId, version, "cpm", bytes);

        var entry = NewEntry(info.Label, info.ModelId, version, file, info.Parent, info.CreatedUtc, time) with
        {
            Algorithm = info.Algorithm,
            SpecName = stamped.Spec.Name,
            SpecFingerprint = stamped.Spec.FingerprintHex,
            FileBytes = bytes.Length,
            NonZeroWeights = stamped.NonZeroCount,
            TrainingData = info.TrainingData,
            Metrics = info.Metrics,
            Cost = info.Cost,
            Reason = reason,
        };

        AddToIndex(index, entry, makeChampion);
        return entry;
    }

    /// <summary>Writes a version's bytes to <c>{modelId}-v{version:D6}.{extension}</c>, atomically; returns the file name.</summary>
    private string WriteVersion(string modelId, int version, string extension, byte[] bytes)
    {
        var file = string.Create(CultureInfo.InvariantCulture, $"{modelId}-v{version:D6}.{extension}");
        WriteAtomically(Path.Combine(Directory, file), bytes);
        return file;
    }

    /// <summary>The index entry of a version just written, with the fields every kind of model has.</summary>
    private static RegistryEntry NewEntry(string label, string modelId, int version, string file, string? parent, DateTimeOffset createdUtc, TimeProvider time) => new()
    {
        Label = label,
        ModelId = modelId,
        Version = version,
        File = file,
        Parent = parent,
        CreatedUtc = createdUtc,
        PublishedUtc = time.GetUtcNow(),
    };

    /// <summary>Points the champion at an already published version (a promotion or a rollback).</summary>
    public void SetChampion(string label)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        using var gate = Lock();
        var index = ReadIndex();
        if (index.Find(label) is null)
        {
            throw new RegistryException($"registry '{Directory}': no version '{label}' (retained: {string.Join(", ", index.Versions.Select(v => v.Label))})");
        }

        WriteIndex(index with { Champion = label, Revision = index.Revision + 1 });
    }

    /// <summary>
    /// Appends a retrain-policy decision to <c>decisions.json</c>, keeping the last <see cref="DecisionsKept"/>. With
    /// <paramref name="coalesce"/>, a decision the same as the last one recorded (<see cref="RegistryDecision.SameAs"/>)
    /// replaces it, counted in <see cref="RegistryDecision.Repeats"/>, so frequent refusals do not push the rest out.
    /// </summary>
    public void RecordDecision(RegistryDecision decision, bool coalesce = false)
    {
        ArgumentNullException.ThrowIfNull(decision);
        System.IO.Directory.CreateDirectory(Directory);
        using var gate = Lock();
        var decisions = new List<RegistryDecision>(ReadDecisions());
        if (coalesce && decisions.Count > 0 && decisions[^1] is var last && last.SameAs(decision))
        {
            decisions[^1] = decision with { Repeats = last.Repeats + 1 + decision.Repeats, FirstAtUtc = last.FirstAtUtc ?? last.AtUtc };
        }
        else
        {
            decisions.Add(decision);
        }

        if (decisions.Count > DecisionsKept)
        {
            decisions.RemoveRange(0, decisions.Count - DecisionsKept);
        }

        WriteAtomically(Path.Combine(Directory, DecisionsFileName), JsonSerializer.SerializeToUtf8Bytes(decisions, RegistryJsonContext.Default.ListRegistryDecision));
    }

    /// <summary>The recorded policy decisions, oldest first; empty when there are none (or the file is unreadable).</summary>
    public IReadOnlyList<RegistryDecision> ReadDecisions()
    {
        var path = Path.Combine(Directory, DecisionsFileName);
        try
        {
            return File.Exists(path)
                ? JsonSerializer.Deserialize(File.ReadAllBytes(path), RegistryJsonContext.Default.ListRegistryDecision) ?? []
                : [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            // A status display, not a source of truth: a damaged file shows as no decisions, and the next record replaces it.
            return [];
        }
    }

    /// <summary>Writes <paramref name="index"/> with <paramref name="entry"/> added (and made champion), the oldest beyond <see cref="Retain"/> pruned.</summary>
    private void AddToIndex(RegistryIndex index, RegistryEntry entry, bool makeChampion)
    {
        var champion = makeChampion ? entry.Label : index.Champion;
        var versions = Prune([.. index.Versions, entry], champion);
        WriteIndex(index with { Champion = champion, Versions = versions, Revision = index.Revision + 1 });
    }

    private List<RegistryEntry> Prune(List<RegistryEntry> versions, string? champion)
    {
        while (versions.Count > Retain)
        {
            var victim = versions.FindIndex(v => !string.Equals(v.Label, champion, StringComparison.Ordinal));
            if (victim < 0)
            {
                break;
            }

            var path = Path.Combine(Directory, versions[victim].File);
            var calibration = versions[victim].Calibration is { } c ? Path.Combine(Directory, c.File) : null;
            versions.RemoveAt(victim);
            try
            {
                File.Delete(path);
                if (calibration is not null)
                {
                    File.Delete(calibration);
                }
            }
            catch (IOException)
            {
                // A reader may still hold it open; the file is orphaned, not the index.
            }
        }

        return versions;
    }

    private void WriteIndex(RegistryIndex index) =>
        WriteAtomically(IndexPath, JsonSerializer.SerializeToUtf8Bytes(index, RegistryJsonContext.Default.RegistryIndex));

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    private FileStream Lock()
    {
        var path = Path.Combine(Directory, LockFileName);
        // Another publisher holds the lock: wait for it, boundedly.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 200)
            {
                Thread.Sleep(25);
            }
            catch (IOException e)
            {
                throw new RegistryException($"registry '{Directory}': could not take {LockFileName}: {e.Message}", e);
            }
        }
    }
}
