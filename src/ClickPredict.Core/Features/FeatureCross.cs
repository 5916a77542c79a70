namespace ClickPredict.Core.Features;

/// <summary>A conjunction of two or three fields: one feature per combination of their values.</summary>
public sealed class FeatureCross
{
    internal FeatureCross(IReadOnlyList<FieldDefinition> fields)
    {
        Fields = fields;
        Name = string.Join('&', fields.Select(f => f.Name));
    }

    public IReadOnlyList<FieldDefinition> Fields { get; }

    /// <summary>The fields' names joined by <c>&amp;</c>, e.g. <c>device.type&amp;imp.size</c>.</summary>
    public string Name { get; }

    /// <summary>True when any of the fields differs per candidate creative.</summary>
    public bool IsCandidateScoped => Fields.Any(f => f.Scope == FieldScope.Candidate);

    public override string ToString() => Name;
}
