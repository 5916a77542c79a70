using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Benchmarks;

/// <summary>
/// The acceptance figure: extraction + hashing + scoring of a parsed request with
/// <see cref="OpenRtbScorer.Score"/> (default spec: 26 fields, 10 crosses; dense 2^22 model, all
/// weights non-zero), for one and for ten creatives, over 10,000 distinct simulator requests; and
/// the same with the JSON parse in front. One operation is one request.
/// </summary>
/// <remarks>
/// <see cref="OneCreative"/> and <see cref="TenCreatives"/> read 10,000 requests parsed in advance
/// (some 65 MB of objects), so each request's parsed objects come from main memory, which a bidder,
/// scoring a request it has just parsed, never pays. <c>ParseThenX - ParseOnly</c> is that
/// bidder's cost: the same requests and weights, with the parsed request hot in cache.
/// </remarks>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private LogisticModel _model = null!;
    private byte[][] _json = [];
    private BidRequest[] _requests = [];
    private DateTimeOffset[] _received = [];
    private AdCandidate[] _candidates = [];
    private readonly FieldValues _scratch = new(FieldSchema.OpenRtb);
    private readonly BidRequest _parsed = new();
    private readonly double[] _pctrs = new double[10];

    [GlobalSetup]
    public void Setup()
    {
        var traffic = SimulatedTraffic.Instance;
        _model = traffic.Model;
        _json = traffic.Json;
        _requests = traffic.Requests;
        _received = traffic.ReceivedUtc;
        _candidates = traffic.Candidates;
        CheckAgreesWithOfflinePath();
        ParseThenScore(10);
    }

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double OneCreative() => Score(1);

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double TenCreatives() => Score(10);

    /// <summary>Only the parse of each body into the warmed request: what the ParseThen cases add to scoring.</summary>
    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public int ParseOnly()
    {
        var imps = 0;
        foreach (var body in _json)
        {
            BidRequestParser.Parse(body, _parsed);
            imps += _parsed.ImpCount;
        }

        return imps;
    }

    /// <summary>The bidder's whole CPU path for a body: parse into a warmed request, then score one creative.</summary>
    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double ParseThenOneCreative() => ParseThenScore(1);

    /// <summary>Parse, then score ten creatives.</summary>
    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public double ParseThenTenCreatives() => ParseThenScore(10);

    private double ParseThenScore(int creatives)
    {
        var model = _model;
        var candidates = _candidates.AsSpan(0, creatives);
        var pctrs = _pctrs.AsSpan();
        var sum = 0.0;
        for (var i = 0; i < _json.Length; i++)
        {
            BidRequestParser.Parse(_json[i], _parsed);
            OpenRtbScorer.Score(model, _parsed, 0, _received[i], SimulatedTraffic.Exchange, candidates, _scratch, pctrs);
            sum += pctrs[0];
        }

        return sum;
    }

    private double Score(int creatives)
    {
        var model = _model;
        var requests = _requests;
        var received = _received;
        var candidates = _candidates.AsSpan(0, creatives);
        var pctrs = _pctrs.AsSpan();
        var sum = 0.0;
        for (var i = 0; i < requests.Length; i++)
        {
            OpenRtbScorer.Score(model, requests[i], 0, received[i], SimulatedTraffic.Exchange, candidates, _scratch, pctrs);
            sum += pctrs[0];
        }

        return sum;
    }

    // A benchmark of the wrong thing is worse than none: the scorer must give, bit for bit, what the
    // offline path (all fields, then Predict) gives for the same request and creative.
    private void CheckAgreesWithOfflinePath()
    {
        var offline = new FieldValues(FieldSchema.OpenRtb);
        for (var i = 0; i < _requests.Length; i += 97)
        {
            OpenRtbScorer.Score(_model, _requests[i], 0, _received[i], SimulatedTraffic.Exchange, _candidates, _scratch, _pctrs);
            for (var c = 0; c < _candidates.Length; c++)
            {
                OpenRtbFieldExtractor.ExtractRequest(_requests[i], 0, _received[i], SimulatedTraffic.Exchange, offline);
                OpenRtbFieldExtractor.ExtractCandidate(_candidates[c], offline);
                var expected = _model.Predict(offline);
                if (BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(_pctrs[c]))
                {
                    throw new InvalidOperationException($"request {i}, creative {c}: scorer gave {_pctrs[c]:R}, offline path {expected:R}");
                }
            }
        }
    }
}
