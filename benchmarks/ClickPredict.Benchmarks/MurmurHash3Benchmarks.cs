using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Benchmarks;

/// <summary>
/// MurmurHash3 x86_32 on the field values the bidder really hashes: every present field of the
/// simulated requests (domains, bundles, ids, sizes, small numbers), and the 8-byte hash of two
/// slot hashes that every pair cross computes. One operation is one hash.
/// </summary>
[MemoryDiagnoser]
public class MurmurHash3Benchmarks
{
    private const int ValueCount = 100_000;

    private byte[] _bytes = [];
    private int[] _start = [];
    private int[] _length = [];
    private uint[] _pairs = [];

    [GlobalSetup]
    public void Setup()
    {
        var traffic = SimulatedTraffic.Instance;
        var examples = traffic.ExtractAll(traffic.Candidates[0]);
        var bytes = new List<byte>();
        var start = new List<int>();
        var length = new List<int>();
        for (var i = 0; start.Count < ValueCount; i++)
        {
            var values = examples[i % examples.Length];
            for (var field = 0; field < values.Schema.Count && start.Count < ValueCount; field++)
            {
                if (!values.IsMissing(field))
                {
                    var value = values.Get(field);
                    start.Add(bytes.Count);
                    length.Add(value.Length);
                    bytes.AddRange(value);
                }
            }
        }

        _bytes = [.. bytes];
        _start = [.. start];
        _length = [.. length];

        var random = new Random(3);
        _pairs = new uint[2 * ValueCount];
        for (var i = 0; i < _pairs.Length; i++)
        {
            _pairs[i] = (uint)random.Next() ^ ((uint)random.Next() << 16);
        }
    }

    [Benchmark(OperationsPerInvoke = ValueCount)]
    public uint FieldValue()
    {
        var bytes = _bytes.AsSpan();
        var start = _start;
        var length = _length;
        var acc = 0u;
        for (var i = 0; i < start.Length; i++)
        {
            acc ^= MurmurHash3.Hash32(bytes.Slice(start[i], length[i]), 0x9747b28cu);
        }

        return acc;
    }

    [Benchmark(OperationsPerInvoke = ValueCount)]
    public uint PairCross()
    {
        var pairs = _pairs;
        var acc = 0u;
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            acc ^= MurmurHash3.Hash32(pairs[i], pairs[i + 1], 0x9747b28cu);
        }

        return acc;
    }
}
