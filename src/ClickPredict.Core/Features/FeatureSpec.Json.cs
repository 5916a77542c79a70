using System.Text;
using System.Text.Json;

namespace ClickPredict.Core.Features;

/// <summary>Reading and writing specs as JSON (<c>config/features/*.json</c>, and inside model files).</summary>
public sealed partial class FeatureSpec
{
    private static readonly string[] s_knownKeys = ["name", "description", "schema", "hashBits", "seed", "fields", "crosses", "buckets"];

    /// <summary>Reads a spec file; errors name the file.</summary>
    public static FeatureSpec Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FeatureSpecException($"feature spec '{path}': cannot read: {e.Message}", e);
        }

        return Parse(json, path);
    }

    /// <summary>Parses a spec; <paramref name="source"/> (a path, say) prefixes every error message.</summary>
    public static FeatureSpec Parse(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        var prefix = source is null ? "feature spec" : $"feature spec '{source}'";
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
            return FromJson(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FeatureSpecException($"{prefix}: not valid JSON: {e.Message}", e);
        }
        catch (FeatureSpecException e)
        {
            throw new FeatureSpecException($"{prefix}: {e.Message}", e);
        }
    }

    /// <summary>Reads a spec from a JSON element (also used for the copy embedded in a model file).</summary>
    public static FeatureSpec FromJson(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FeatureSpecException("the spec must be a JSON object");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (Array.IndexOf(s_knownKeys, property.Name) < 0)
            {
                throw new FeatureSpecException($"unknown key '{property.Name}' (known: {string.Join(", ", s_knownKeys)})");
            }
        }

        var name = OptionalString(root, "name") ?? "unnamed";
        var description = OptionalString(root, "description");
        var schemaName = OptionalString(root, "schema") ?? throw new FeatureSpecException("schema: missing (one of: " + KnownSchemas() + ")");
        if (!FieldSchema.TryGet(schemaName, out var schema))
        {
            throw new FeatureSpecException($"schema: unknown schema '{schemaName}' (one of: {KnownSchemas()})");
        }

        if (!root.TryGetProperty("hashBits", out var bitsElement))
        {
            throw new FeatureSpecException("hashBits: missing");
        }

        if (bitsElement.ValueKind != JsonValueKind.Number || !bitsElement.TryGetInt32(out var hashBits))
        {
            throw new FeatureSpecException($"hashBits: must be a whole number, not {bitsElement.GetRawText()}");
        }

        uint seed = 0;
        if (root.TryGetProperty("seed", out var seedElement) && !(seedElement.ValueKind == JsonValueKind.Number && seedElement.TryGetUInt32(out seed)))
        {
            throw new FeatureSpecException($"seed: must be a whole number from 0 to {uint.MaxValue}, not {seedElement.GetRawText()}");
        }

        if (!root.TryGetProperty("fields", out var fieldsElement) || fieldsElement.ValueKind != JsonValueKind.Array)
        {
            throw new FeatureSpecException("fields: missing or not a list of field names");
        }

        var fields = StringList(fieldsElement, "fields");
        var crosses = new List<IReadOnlyList<string>>();
        if (root.TryGetProperty("crosses", out var crossesElement) && crossesElement.ValueKind != JsonValueKind.Null)
        {
            if (crossesElement.ValueKind != JsonValueKind.Array)
            {
                throw new FeatureSpecException("crosses: must be a list of lists of field names");
            }

            var i = 0;
            foreach (var cross in crossesElement.EnumerateArray())
            {
                if (cross.ValueKind != JsonValueKind.Array)
                {
                    throw new FeatureSpecException($"crosses[{i}]: must be a list of field names");
                }

                crosses.Add(StringList(cross, $"crosses[{i}]"));
                i++;
            }
        }

        var buckets = new Dictionary<string, Bucketing>(StringComparer.Ordinal);
        if (root.TryGetProperty("buckets", out var bucketsElement) && bucketsElement.ValueKind != JsonValueKind.Null)
        {
            if (bucketsElement.ValueKind != JsonValueKind.Object)
            {
                throw new FeatureSpecException("buckets: must be an object of field name to bucketing");
            }

            foreach (var bucket in bucketsElement.EnumerateObject())
            {
                buckets[bucket.Name] = ReadBucketing(bucket.Value, $"buckets.{bucket.Name}");
            }
        }

        return new FeatureSpec(name, schema, hashBits, seed, fields, crosses, buckets, description);
    }

    /// <summary>The spec as indented JSON that <see cref="Parse"/> reads back to an equal spec.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            WriteBody(writer, includeNames: true);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the spec as one JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteBody(writer, includeNames: true);
    }

    private void WriteBody(Utf8JsonWriter writer, bool includeNames)
    {
        writer.WriteStartObject();
        if (includeNames)
        {
            writer.WriteString("name", Name);
            if (Description.Length > 0)
            {
                writer.WriteString("description", Description);
            }
        }

        writer.WriteString("schema", Schema.Name);
        writer.WriteNumber("hashBits", HashBits);
        writer.WriteNumber("seed", Seed);
        writer.WriteStartArray("fields");
        foreach (var field in Fields)
        {
            writer.WriteStringValue(field.Name);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("crosses");
        foreach (var cross in Crosses)
        {
            writer.WriteStartArray();
            foreach (var field in cross.Fields)
            {
                writer.WriteStringValue(field.Name);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteStartObject("buckets");
        foreach (var (fieldName, bucketing) in _buckets.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(fieldName);
            switch (bucketing.Kind)
            {
                case BucketKind.Log:
                    writer.WriteString("kind", "log");
                    writer.WriteNumber("base", bucketing.Base);
                    break;
                case BucketKind.Criteo:
                    writer.WriteString("kind", "criteo");
                    break;
                case BucketKind.Linear:
                    writer.WriteString("kind", "linear");
                    writer.WriteNumber("width", bucketing.Width);
                    break;
                case BucketKind.Edges:
                    writer.WriteString("kind", "edges");
                    writer.WriteStartArray("edges");
                    foreach (var edge in bucketing.Edges)
                    {
                        writer.WriteNumberValue(edge);
                    }

                    writer.WriteEndArray();
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static Bucketing ReadBucketing(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FeatureSpecException($"{path}: must be an object such as {{\"kind\": \"log\", \"base\": 2}}");
        }

        var kind = OptionalString(element, "kind", path) ?? throw new FeatureSpecException($"{path}.kind: missing (log, criteo, edges or linear)");
        try
        {
            return kind switch
            {
                "log" => Bucketing.Log(Number(element, "base", path, 2)),
                "criteo" => Bucketing.Criteo(),
                "linear" => Bucketing.Linear(Number(element, "width", path, null)),
                "edges" => Bucketing.FromEdges(Edges(element, path)),
                _ => throw new FeatureSpecException($"{path}.kind: unknown bucketing '{kind}' (log, criteo, edges or linear)"),
            };
        }
        catch (ArgumentException e)
        {
            throw new FeatureSpecException($"{path}: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string message)
    {
        var cut = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        cut = cut < 0 ? message.IndexOf('\n', StringComparison.Ordinal) : cut;
        return cut < 0 ? message : message[..cut];
    }

    private static double Number(JsonElement element, string key, string path, double? fallback)
    {
        if (!element.TryGetProperty(key, out var value))
        {
            return fallback ?? throw new FeatureSpecException($"{path}.{key}: missing");
        }

        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new FeatureSpecException($"{path}.{key}: must be a number, not {value.GetRawText()}");
    }

    private static double[] Edges(JsonElement element, string path)
    {
        if (!element.TryGetProperty("edges", out var edges) || edges.ValueKind != JsonValueKind.Array)
        {
            throw new FeatureSpecException($"{path}.edges: missing or not a list of numbers");
        }

        var result = new List<double>();
        foreach (var edge in edges.EnumerateArray())
        {
            if (edge.ValueKind != JsonValueKind.Number)
            {
                throw new FeatureSpecException($"{path}.edges: {edge.GetRawText()} is not a number");
            }

            result.Add(edge.GetDouble());
        }

        return [.. result];
    }

    private static List<string> StringList(JsonElement array, string path)
    {
        var list = new List<string>();
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new FeatureSpecException($"{path}[{i}]: must be a field name (a string), not {item.GetRawText()}");
            }

            list.Add(item.GetString()!);
            i++;
        }

        return list;
    }

    private static string? OptionalString(JsonElement element, string key, string? path = null)
    {
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FeatureSpecException($"{(path is null ? key : $"{path}.{key}")}: must be a string, not {value.GetRawText()}");
    }

    private static string KnownSchemas() => string.Join(", ", FieldSchema.All.Select(s => s.Name));
}
