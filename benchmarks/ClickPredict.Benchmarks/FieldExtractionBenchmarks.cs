using BenchmarkDotNet.Attributes;
using ClickPredict.Core.Features;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Benchmarks;

/// <summary>
/// <see cref="OpenRtbFieldExtractor"/>: the OpenRTB schema's fields of 10,000 distinct pre-parsed
/// requests and one candidate creative, into one reused <see cref="FieldValues"/>.
/// One operation is one request.
/// </summary>
[MemoryDiagnoser]
public class FieldExtractionBenchmarks
{
    private BidRequest[] _requests = [];
    private DateTimeOffset[] _received = [];
    private AdCandidate _candidate = null!;
    private readonly FieldValues _values = new(FieldSchema.OpenRtb);

    [GlobalSetup]
    public void Setup()
    {
        var traffic = SimulatedTraffic.Instance;
        _requests = traffic.Requests;
        _received = traffic.ReceivedUtc;
        _candidate = traffic.Candidates[0];
        // Grow the arena once, as steady state would.
        RequestAndCandidate();
    }

    [Benchmark(OperationsPerInvoke = SimulatedTraffic.RequestCount)]
    public int RequestAndCandidate()
    {
        var requests = _requests;
        var received = _received;
        var values = _values;
        var present = 0;
        for (var i = 0; i < requests.Length; i++)
        {
            OpenRtbFieldExtractor.ExtractRequest(requests[i], 0, received[i], SimulatedTraffic.Exchange, values);
            OpenRtbFieldExtractor.ExtractCandidate(_candidate, values);
            present += values.IsMissing(OpenRtbFields.SiteDomain) ? 0 : 1;
        }

        return present;
    }
}
