using System.Buffers.Text;

namespace ClickPredict.Core.Features;

/// <summary>An immutable rule that maps a numeric field's value to a bucket number.</summary>
public sealed class Bucketing : IEquatable<Bucketing>
{
    /// <summary>Bucket of a value that does not parse as a finite number.</summary>
    public const int Invalid = int.MinValue;

    /// <summary>Log bucketing: the bucket of zero.</summary>
    public const int Zero = int.MinValue + 1;

    /// <summary>Log bucketing: the bucket of every negative value.</summary>
    public const int Negative = int.MinValue + 2;

    // Keeps bucket numbers of absurd inputs (1e300) bounded without a special case per kind.
    private const double MaxBucket = 1_000_000;

    private readonly double[] _edges;
    private readonly double _logBase;

    private Bucketing(BucketKind kind, double baseOrWidth, double[] edges)
    {
        Kind = kind;
        Base = kind == BucketKind.Log ? baseOrWidth : 0;
        Width = kind == BucketKind.Linear ? baseOrWidth : 0;
        _edges = edges;
        _logBase = kind == BucketKind.Log ? Math.Log(baseOrWidth) : 0;
    }

    public BucketKind Kind { get; }

    /// <summary>The logarithm's base (<see cref="BucketKind.Log"/>).</summary>
    public double Base { get; }

    /// <summary>The bucket width (<see cref="BucketKind.Linear"/>).</summary>
    public double Width { get; }

    /// <summary>Ascending bucket boundaries (<see cref="BucketKind.Edges"/>).</summary>
    public IReadOnlyList<double> Edges => _edges;

    public static Bucketing Log(double logBase) =>
        double.IsFinite(logBase) && logBase > 1
            ? new Bucketing(BucketKind.Log, logBase, [])
            : throw new ArgumentOutOfRangeException(nameof(logBase), logBase, "the base of log bucketing must be a finite number above 1");

    public static Bucketing Criteo() => new(BucketKind.Criteo, 0, []);

    public static Bucketing Linear(double width) =>
        double.IsFinite(width) && width > 0
            ? new Bucketing(BucketKind.Linear, width, [])
            : throw new ArgumentOutOfRangeException(nameof(width), width, "the width of linear bucketing must be a finite number above 0");

    public static Bucketing FromEdges(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count == 0 || edges.Count > 1024)
        {
            throw new ArgumentException("edges must list 1 to 1024 boundaries", nameof(edges));
        }

        var copy = new double[edges.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = edges[i];
            if (!double.IsFinite(copy[i]) || (i > 0 && copy[i] <= copy[i - 1]))
            {
                throw new ArgumentException($"edges must be finite and strictly ascending (edges[{i}] = {copy[i]})", nameof(edges));
            }
        }

        return new Bucketing(BucketKind.Edges, 0, copy);
    }

    /// <summary>The bucket of a UTF-8 number, or <see cref="Invalid"/> when it does not parse.</summary>
    public int Bucket(ReadOnlySpan<byte> utf8) =>
        Utf8Parser.TryParse(utf8, out double value, out var consumed) && consumed == utf8.Length
            ? Bucket(value)
            : Invalid;

    public int Bucket(double value)
    {
        if (!double.IsFinite(value))
        {
            return Invalid;
        }

        switch (Kind)
        {
            case BucketKind.Log:
                if (value > 0)
                {
                    return Clamp(Math.Floor(Math.Log(value) / _logBase));
                }

                return value == 0 ? Zero : Negative;
            case BucketKind.Criteo:
                if (value > 2)
                {
                    var ln = Math.Log(value);
                    return Clamp(Math.Floor(ln * ln));
                }

                return Clamp(Math.Floor(value));
            case BucketKind.Linear:
                return Clamp(Math.Floor(value / Width));
            default:
                // Number of edges <= value: a binary search over the ascending boundaries.
                var index = Array.BinarySearch(_edges, value);
                return index >= 0 ? index + 1 : ~index;
        }
    }

    private static int Clamp(double bucket) => (int)Math.Clamp(bucket, -MaxBucket, MaxBucket);

    public bool Equals(Bucketing? other) =>
        other is not null && Kind == other.Kind && Base.Equals(other.Base) && Width.Equals(other.Width) && _edges.AsSpan().SequenceEqual(other._edges);

    public override bool Equals(object? obj) => Equals(obj as Bucketing);

    public override int GetHashCode() => HashCode.Combine(Kind, Base, Width, _edges.Length);
}
