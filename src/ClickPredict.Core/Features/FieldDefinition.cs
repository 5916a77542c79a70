using System.Text;

namespace ClickPredict.Core.Features;

/// <summary>One raw field of a <see cref="FieldSchema"/>.</summary>
public sealed class FieldDefinition
{
    internal FieldDefinition(int index, string name, FieldScope scope, FieldKind kind, string description)
    {
        Index = index;
        Name = name;
        Scope = scope;
        Kind = kind;
        Description = description;
        Utf8Name = Encoding.UTF8.GetBytes(name);
    }

    /// <summary>Position of the field in its schema (and in every <see cref="FieldValues"/> of that schema).</summary>
    public int Index { get; }

    /// <summary>The name specs and logged events use, e.g. <c>site.domain</c>.</summary>
    public string Name { get; }

    /// <summary>UTF-8 bytes of <see cref="Name"/>, for allocation-free encoding.</summary>
    public ReadOnlyMemory<byte> Utf8Name { get; }

    public FieldScope Scope { get; }

    public FieldKind Kind { get; }

    public string Description { get; }

    public override string ToString() => Name;
}
