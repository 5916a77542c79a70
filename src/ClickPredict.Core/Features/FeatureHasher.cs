using System.Runtime.CompilerServices;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Features;

/// <summary>
/// A <see cref="FeatureSpec"/> compiled for speed: the one place raw field values become hashed
/// feature indices. Immutable and thread-safe; the bidder, trainer, back-tester and CLI all use it.
/// </summary>
/// <remarks>
/// Each field the spec reads gets a <em>slot</em>. A slot's hash is MurmurHash3 of the value's
/// UTF-8 bytes (or of its bucket number, for bucketed numeric fields; or of nothing, when missing)
/// seeded with MurmurHash3 of the field's name under the spec seed. A field feature's index is its
/// slot hash masked to <c>2^hashBits</c>; a cross hashes its fields' slot hashes together under a
/// seed of its own. Features come in a fixed order: request-scoped ones first (fields, then
/// crosses, as the spec lists them), then the ones that depend on the candidate creative. Request
/// slots are numbered before candidate slots, so a request's half can be hashed once and reused.
/// </remarks>
public sealed class FeatureHasher
{
    /// <summary>Upper bound on slots and features, so callers may <c>stackalloc</c> scratch space.</summary>
    public const int MaxSlots = FeatureSpec.MaxFields + (3 * FeatureSpec.MaxCrosses);

    private readonly int[] _slotField;
    private readonly uint[] _slotSeed;
    private readonly Bucketing?[] _slotBucketing;
    private readonly Feature[] _requestFeatures;
    private readonly Feature[] _candidateFeatures;
    private readonly uint _mask;

    public FeatureHasher(FeatureSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        _mask = (uint)spec.Size - 1;

        var used = spec.UsedFields();
        var ordered = used.Where(f => f.Scope == FieldScope.Request).Concat(used.Where(f => f.Scope == FieldScope.Candidate)).ToArray();
        RequestSlotCount = ordered.Count(f => f.Scope == FieldScope.Request);
        _slotField = [.. ordered.Select(f => f.Index)];
        _slotSeed = [.. ordered.Select(f => MurmurHash3.Hash32(f.Utf8Name.Span, spec.Seed))];
        _slotBucketing = [.. ordered.Select(f => spec.Buckets.TryGetValue(f.Name, out var b) ? b : null)];

        var slotOf = new Dictionary<FieldDefinition, int>();
        for (var i = 0; i < ordered.Length; i++)
        {
            slotOf[ordered[i]] = i;
        }

        var request = new List<Feature>();
        var candidate = new List<Feature>();
        var names = new List<string>();
        var candidateNames = new List<string>();
        foreach (var field in spec.Fields)
        {
            var feature = new Feature(1, slotOf[field], 0, 0, 0);
            (field.Scope == FieldScope.Request ? request : candidate).Add(feature);
            (field.Scope == FieldScope.Request ? names : candidateNames).Add(field.Name);
        }

        foreach (var cross in spec.Crosses)
        {
            var seed = MurmurHash3.Hash32(System.Text.Encoding.UTF8.GetBytes(cross.Name), spec.Seed);
            var slots = cross.Fields.Select(f => slotOf[f]).ToArray();
            var feature = new Feature((byte)slots.Length, slots[0], slots[1], slots.Length > 2 ? slots[2] : 0, seed);
            (cross.IsCandidateScoped ? candidate : request).Add(feature);
            (cross.IsCandidateScoped ? candidateNames : names).Add(cross.Name);
        }

        _requestFeatures = [.. request];
        _candidateFeatures = [.. candidate];
        FeatureNames = [.. names, .. candidateNames];
    }

    public FeatureSpec Spec { get; }

    /// <summary>Slots of request-scoped fields (numbered first).</summary>
    public int RequestSlotCount { get; }

    /// <summary>All slots: request-scoped, then candidate-scoped.</summary>
    public int SlotCount => _slotField.Length;

    public int RequestFeatureCount => _requestFeatures.Length;

    public int CandidateFeatureCount => _candidateFeatures.Length;

    /// <summary>Features per example, i.e. non-bias terms of the dot product.</summary>
    public int FeatureCount => _requestFeatures.Length + _candidateFeatures.Length;

    /// <summary>Name of each feature, in index order (a field name or a cross's <c>a&amp;b</c> name).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Hashes the request-scoped fields into <c>slotHashes[0..RequestSlotCount)</c>.</summary>
    public void HashRequestFields(FieldValues values, Span<uint> slotHashes) =>
        HashSlots(values, slotHashes, 0, RequestSlotCount);

    /// <summary>Hashes the candidate-scoped fields into <c>slotHashes[RequestSlotCount..SlotCount)</c>.</summary>
    public void HashCandidateFields(FieldValues values, Span<uint> slotHashes) =>
        HashSlots(values, slotHashes, RequestSlotCount, SlotCount);

    /// <summary>Writes the <see cref="RequestFeatureCount"/> request feature indices.</summary>
    public void RequestIndices(ReadOnlySpan<uint> slotHashes, Span<int> indices) =>
        Combine(_requestFeatures, slotHashes, indices);

    /// <summary>Writes the <see cref="CandidateFeatureCount"/> candidate feature indices (request slots must be hashed too).</summary>
    public void CandidateIndices(ReadOnlySpan<uint> slotHashes, Span<int> indices) =>
        Combine(_candidateFeatures, slotHashes, indices);

    /// <summary>
    /// Every feature index of one example, request features first: what learners train on and what
    /// <see cref="Model.LogisticModel.PredictIndices"/> scores. Returns <see cref="FeatureCount"/>.
    /// </summary>
    [SkipLocalsInit]
    public int Indices(FieldValues values, Span<int> indices)
    {
        Span<uint> slots = stackalloc uint[SlotCount];
        HashSlots(values, slots, 0, SlotCount);
        Combine(_requestFeatures, slots, indices);
        Combine(_candidateFeatures, slots, indices[_requestFeatures.Length..]);
        return FeatureCount;
    }

    private void HashSlots(FieldValues values, Span<uint> slotHashes, int from, int to)
    {
        if (!ReferenceEquals(values.Schema, Spec.Schema))
        {
            ThrowSchemaMismatch(values.Schema);
        }

        for (var slot = from; slot < to; slot++)
        {
            var value = values.Get(_slotField[slot]);
            var bucketing = _slotBucketing[slot];
            // A missing value hashes the empty input: a feature of its own for "unknown", per field.
            slotHashes[slot] = bucketing is null || value.IsEmpty
                ? MurmurHash3.Hash32(value, _slotSeed[slot])
                : MurmurHash3.Hash32((uint)bucketing.Bucket(value), _slotSeed[slot]);
        }
    }

    private void Combine(Feature[] features, ReadOnlySpan<uint> slots, Span<int> indices)
    {
        // One bounds check up front instead of one per write.
        indices = indices[..features.Length];
        for (var i = 0; i < features.Length; i++)
        {
            ref readonly var f = ref features[i];
            var hash = f.Arity switch
            {
                1 => slots[f.A],
                2 => MurmurHash3.Hash32(slots[f.A], slots[f.B], f.Seed),
                _ => MurmurHash3.Hash32(slots[f.A], slots[f.B], slots[f.C], f.Seed),
            };
            indices[i] = (int)(hash & _mask);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowSchemaMismatch(FieldSchema actual) =>
        throw new ArgumentException($"field values of schema '{actual.Name}' given to a spec of schema '{Spec.Schema.Name}'");

    private readonly record struct Feature(byte Arity, int A, int B, int C, uint Seed);
}
