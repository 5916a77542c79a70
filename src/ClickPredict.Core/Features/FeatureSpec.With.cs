namespace ClickPredict.Core.Features;

/// <summary>Copies with one thing changed, for back-tests that vary a spec.</summary>
public sealed partial class FeatureSpec
{
    public FeatureSpec WithName(string name) =>
        new(name, Schema, HashBits, Seed, FieldNames(), CrossNames(), _buckets, Description);

    public FeatureSpec WithHashBits(int hashBits) =>
        new(Name, Schema, hashBits, Seed, FieldNames(), CrossNames(), _buckets, Description);

    public FeatureSpec WithField(string field) =>
        new(Name, Schema, HashBits, Seed, [.. FieldNames(), field], CrossNames(), _buckets, Description);

    public FeatureSpec WithCross(params string[] fields) =>
        new(Name, Schema, HashBits, Seed, FieldNames(), [.. CrossNames(), fields], _buckets, Description);

    public FeatureSpec WithBucketing(string field, Bucketing bucketing) =>
        new(Name, Schema, HashBits, Seed, FieldNames(), CrossNames(), new Dictionary<string, Bucketing>(_buckets) { [field] = bucketing }, Description);

    private List<string> FieldNames() => [.. Fields.Select(f => f.Name)];

    private List<IReadOnlyList<string>> CrossNames() => [.. Crosses.Select(c => (IReadOnlyList<string>)[.. c.Fields.Select(f => f.Name)])];
}
