using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace ClickPredict.Core.Features;

/// <summary>
/// What features a model uses: the fields (each hashed on its own), crosses of two or three fields,
/// the number of hash bits, the seed, and how numeric fields are bucketed. Immutable and validated
/// on construction; every model file embeds its spec and the spec's <see cref="Fingerprint"/>.
/// </summary>
public sealed partial class FeatureSpec
{
    public const int MinHashBits = 18;
    public const int MaxHashBits = 26;
    public const int MaxFields = 128;
    public const int MaxCrosses = 128;

    private readonly Dictionary<string, Bucketing> _buckets;

    /// <summary>Builds and validates a spec; throws <see cref="FeatureSpecException"/> naming the first problem.</summary>
    public FeatureSpec(
        string name,
        FieldSchema schema,
        int hashBits,
        uint seed,
        IReadOnlyList<string> fields,
        IReadOnlyList<IReadOnlyList<string>>? crosses = null,
        IReadOnlyDictionary<string, Bucketing>? buckets = null,
        string? description = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(fields);
        Name = string.IsNullOrWhiteSpace(name) ? "unnamed" : name;
        Description = description ?? string.Empty;
        Schema = schema;
        if (hashBits is < MinHashBits or > MaxHashBits)
        {
            throw new FeatureSpecException($"hashBits: {hashBits} is out of range {MinHashBits}-{MaxHashBits}");
        }

        HashBits = hashBits;
        Seed = seed;

        if (fields.Count == 0)
        {
            throw new FeatureSpecException("fields: a spec needs at least one field");
        }

        if (fields.Count > MaxFields)
        {
            throw new FeatureSpecException($"fields: {fields.Count} fields is more than the {MaxFields} allowed");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var resolved = new FieldDefinition[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            resolved[i] = Resolve(schema, fields[i], $"fields[{i}]");
            if (!seen.Add(resolved[i].Name))
            {
                throw new FeatureSpecException($"fields[{i}]: duplicate field '{resolved[i].Name}'");
            }
        }

        Fields = resolved;

        crosses ??= [];
        if (crosses.Count > MaxCrosses)
        {
            throw new FeatureSpecException($"crosses: {crosses.Count} crosses is more than the {MaxCrosses} allowed");
        }

        var crossKeys = new HashSet<string>(StringComparer.Ordinal);
        var resolvedCrosses = new FeatureCross[crosses.Count];
        for (var i = 0; i < crosses.Count; i++)
        {
            var cross = crosses[i] ?? throw new FeatureSpecException($"crosses[{i}]: must be a list of field names");
            if (cross.Count is < 2 or > 3)
            {
                throw new FeatureSpecException($"crosses[{i}]: a cross joins 2 or 3 fields, not {cross.Count}");
            }

            var members = new FieldDefinition[cross.Count];
            for (var j = 0; j < cross.Count; j++)
            {
                members[j] = Resolve(schema, cross[j], $"crosses[{i}][{j}]");
                for (var k = 0; k < j; k++)
                {
                    if (ReferenceEquals(members[k], members[j]))
                    {
                        throw new FeatureSpecException($"crosses[{i}]: field '{members[j].Name}' appears twice in one cross");
                    }
                }
            }

            // Order does not change what a cross means, so a duplicate is the same set in any order.
            var key = string.Join('&', members.Select(m => m.Name).Order(StringComparer.Ordinal));
            if (!crossKeys.Add(key))
            {
                throw new FeatureSpecException($"crosses[{i}]: duplicate cross [{string.Join(", ", members.Select(m => m.Name))}]");
            }

            resolvedCrosses[i] = new FeatureCross(members);
        }

        Crosses = resolvedCrosses;

        _buckets = new Dictionary<string, Bucketing>(StringComparer.Ordinal);
        if (buckets is not null)
        {
            foreach (var (fieldName, bucketing) in buckets.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                var field = Resolve(schema, fieldName, $"buckets.{fieldName}");
                if (field.Kind != FieldKind.Numeric)
                {
                    throw new FeatureSpecException($"buckets.{fieldName}: field '{fieldName}' is categorical; only numeric fields can be bucketed");
                }

                _buckets[fieldName] = bucketing ?? throw new FeatureSpecException($"buckets.{fieldName}: missing bucketing");
            }
        }

        CanonicalJson = WriteCanonical();
        Fingerprint = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(CanonicalJson));
    }

    public string Name { get; }

    public string Description { get; }

    public FieldSchema Schema { get; }

    /// <summary>Feature indices are masked to <c>2^HashBits</c> slots.</summary>
    public int HashBits { get; }

    public int Size => 1 << HashBits;

    public uint Seed { get; }

    /// <summary>Fields hashed on their own, in order.</summary>
    public IReadOnlyList<FieldDefinition> Fields { get; }

    public IReadOnlyList<FeatureCross> Crosses { get; }

    /// <summary>Bucketing of numeric fields, by field name; numeric fields not listed are hashed as text.</summary>
    public IReadOnlyDictionary<string, Bucketing> Buckets => _buckets;

    /// <summary>
    /// The form the fingerprint is taken of: everything that decides feature indices (schema, hash
    /// bits, seed, fields, crosses, buckets), nothing that does not (name, description).
    /// </summary>
    public string CanonicalJson { get; }

    /// <summary>XxHash64 of <see cref="CanonicalJson"/>.</summary>
    public ulong Fingerprint { get; }

    /// <summary><see cref="Fingerprint"/> as 16 lower-case hex digits.</summary>
    public string FingerprintHex => Fingerprint.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>All fields the spec reads: its fields, then those only crosses use, each once.</summary>
    public IReadOnlyList<FieldDefinition> UsedFields()
    {
        var used = new List<FieldDefinition>(Fields);
        foreach (var cross in Crosses)
        {
            foreach (var f in cross.Fields)
            {
                if (!used.Contains(f))
                {
                    used.Add(f);
                }
            }
        }

        return used;
    }

    private static FieldDefinition Resolve(FieldSchema schema, string? name, string path)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new FeatureSpecException($"{path}: empty field name");
        }

        if (schema.TryGetField(name, out var field))
        {
            return field;
        }

        var hint = ClosestName(schema, name);
        throw new FeatureSpecException(
            $"{path}: unknown field '{name}' in schema '{schema.Name}'" + (hint is null ? string.Empty : $" (did you mean '{hint}'?)"));
    }

    private static string? ClosestName(FieldSchema schema, string name)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var f in schema.Fields)
        {
            var d = EditDistance(name, f.Name);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = f.Name;
            }
        }

        return bestDistance <= Math.Max(2, name.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private string WriteCanonical()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            WriteBody(writer, includeNames: false);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
