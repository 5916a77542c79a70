using System.Collections.Frozen;

namespace ClickPredict.Core.Features;

/// <summary>
/// The raw fields one source of examples provides: OpenRTB requests (and the bidder's own events,
/// which carry the same fields), or one of the public click-log formats. A <see cref="FeatureSpec"/>
/// names a schema and may only use its fields.
/// </summary>
public sealed partial class FieldSchema
{
    private readonly FieldDefinition[] _fields;
    private readonly FrozenDictionary<string, FieldDefinition> _byName;
    private readonly FrozenDictionary<string, FieldDefinition>.AlternateLookup<ReadOnlySpan<char>> _byNameSpan;

    private FieldSchema(string name, string description, (string Name, FieldScope Scope, FieldKind Kind, string Description)[] fields)
    {
        Name = name;
        Description = description;
        _fields = new FieldDefinition[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            _fields[i] = new FieldDefinition(i, fields[i].Name, fields[i].Scope, fields[i].Kind, fields[i].Description);
        }

        _byName = _fields.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        _byNameSpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The schema's name as specs write it (<c>openrtb</c>, <c>criteo</c>, <c>avazu</c>, <c>ipinyou</c>).</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>All fields, in index order.</summary>
    public IReadOnlyList<FieldDefinition> Fields => _fields;

    public int Count => _fields.Length;

    public FieldDefinition this[int index] => _fields[index];

    public bool TryGetField(string name, out FieldDefinition field) => _byName.TryGetValue(name, out field!);

    /// <summary>The field named <paramref name="utf8Name"/> (UTF-8 bytes, as a MessagePack map key holds it), without a string.</summary>
    public bool TryGetField(ReadOnlySpan<byte> utf8Name, out FieldDefinition field)
    {
        // Field names are short ASCII: transcode on the stack and look up without allocating.
        Span<char> chars = stackalloc char[64];
        if (utf8Name.Length > chars.Length || System.Text.Unicode.Utf8.ToUtf16(utf8Name, chars, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            field = null!;
            return false;
        }

        return _byNameSpan.TryGetValue(chars[..written], out field!);
    }

    /// <summary>The field called <paramref name="name"/>; throws naming the field and the schema when there is none.</summary>
    public FieldDefinition GetField(string name) =>
        _byName.TryGetValue(name, out var field)
            ? field
            : throw new KeyNotFoundException($"schema '{Name}' has no field '{name}'");

    public static bool TryGet(string name, out FieldSchema schema)
    {
        foreach (var s in All)
        {
            if (string.Equals(s.Name, name, StringComparison.Ordinal))
            {
                schema = s;
                return true;
            }
        }

        schema = null!;
        return false;
    }

    public override string ToString() => Name;
}
