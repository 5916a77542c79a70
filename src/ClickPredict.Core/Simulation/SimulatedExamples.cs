using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// Labelled examples from simulated traffic, built through the real pipeline: each request is
/// written as OpenRTB JSON, parsed by <see cref="BidRequestParser"/>, its fields extracted by
/// <see cref="OpenRtbFieldExtractor"/> with a fitting creative, and labelled by a click drawn from
/// the true CTR (which the example carries). What the bidder and joiner would log, minus the auction.
/// </summary>
public sealed class SimulatedExamples
{
    private readonly BidRequest _request = new();
    private readonly FieldValues _values = new(FieldSchema.OpenRtb);
    private readonly Dictionary<string, AdCandidate> _candidates = new(StringComparer.Ordinal);

    public SimulatedExamples(TrafficSimulator simulator, string exchange = "sim")
    {
        ArgumentNullException.ThrowIfNull(simulator);
        Simulator = simulator;
        Exchange = System.Text.Encoding.UTF8.GetBytes(exchange);
    }

    public TrafficSimulator Simulator { get; }

    private byte[] Exchange { get; }

    /// <summary>The fields of the last example (valid until the next call).</summary>
    public FieldValues Values => _values;

    /// <summary>The next example whose slot some known creative fits.</summary>
    public LabeledExample Next()
    {
        while (true)
        {
            var request = Simulator.Next();
            var creative = Simulator.PickCreative(request);
            if (creative is null)
            {
                continue;
            }

            BidRequestParser.Parse(request.ToJson(), _request);
            OpenRtbFieldExtractor.ExtractRequest(_request, 0, request.Time, Exchange, _values);
            OpenRtbFieldExtractor.ExtractCandidate(Candidate(creative), _values);
            var trueCtr = Simulator.TrueCtr(request, creative);
            var clicked = Simulator.SampleClick(trueCtr);
            var time = request.Time.ToUnixTimeMilliseconds();
            return new LabeledExample
            {
                BidId = request.Id + "-1",
                Clicked = clicked,
                BidTimeUnixMs = time,
                ImpressionTimeUnixMs = time,
                ClickTimeUnixMs = clicked ? time + 5_000 : null,
                ModelId = "simulator",
                Schema = FieldSchema.OpenRtb.Name,
                Fields = _values.ToDictionary(),
                TrueCtr = trueCtr,
            };
        }
    }

    private AdCandidate Candidate(SimCreative creative)
    {
        if (!_candidates.TryGetValue(creative.CreativeId, out var candidate))
        {
            candidate = creative.ToCandidate();
            _candidates[creative.CreativeId] = candidate;
        }

        return candidate;
    }
}
