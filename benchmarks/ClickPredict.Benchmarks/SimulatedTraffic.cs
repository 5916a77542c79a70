using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Benchmarks;

/// <summary>
/// The inputs every hot-path benchmark shares, built once per benchmark process: 10,000 distinct
/// simulator requests (as JSON and pre-parsed), the demo creatives as candidates, the default
/// feature spec and a dense 2^22 model whose weights are all non-zero, so no lookup is free.
/// </summary>
/// <remarks>
/// Benchmarks cycle through all the requests rather than repeating one: a single request would keep
/// its few dozen weights in L1 and hide the cost of the random reads a real bidder pays.
/// </remarks>
internal sealed class SimulatedTraffic
{
    /// <summary>Requests per benchmark invocation; also its <c>OperationsPerInvoke</c>.</summary>
    public const int RequestCount = 10_000;

    private const int SimulatorSeed = 20_260_105;
    private const int WeightSeed = 7;

    private static readonly Lazy<SimulatedTraffic> s_instance = new(() => new SimulatedTraffic());

    private SimulatedTraffic()
    {
        Spec = FeatureSpec.Load(RepositoryFile.Find("config/features/default.json"));
        Model = RandomDenseModel(Spec);

        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = SimulatorSeed });
        Json = new byte[RequestCount][];
        Requests = new BidRequest[RequestCount];
        ReceivedUtc = new DateTimeOffset[RequestCount];
        for (var i = 0; i < RequestCount; i++)
        {
            var sim = simulator.Next();
            Json[i] = sim.ToJson();
            Requests[i] = new BidRequest();
            BidRequestParser.Parse(Json[i], Requests[i]);
            ReceivedUtc[i] = sim.Time;
        }

        // Ten demo creatives of several campaigns, advertisers and sizes; that they need not fit a
        // request's slot does not matter here: the cost of scoring them is what is measured.
        var demo = SimCreative.DemoSet;
        Candidates = new AdCandidate[10];
        for (var i = 0; i < Candidates.Length; i++)
        {
            Candidates[i] = demo[(i * 7) % demo.Count].ToCandidate();
        }
    }

    public static SimulatedTraffic Instance => s_instance.Value;

    /// <summary>The exchange name the extractor records (as the bidder's config would give it).</summary>
    public static ReadOnlySpan<byte> Exchange => "sim"u8;

    public FeatureSpec Spec { get; }

    public LogisticModel Model { get; }

    /// <summary>The OpenRTB 2.6 bodies, as the bidder would receive them.</summary>
    public byte[][] Json { get; }

    /// <summary>The same bodies, parsed (one <see cref="BidRequest"/> each).</summary>
    public BidRequest[] Requests { get; }

    public DateTimeOffset[] ReceivedUtc { get; }

    /// <summary>Ten demo creatives; the one-creative cases use the first.</summary>
    public AdCandidate[] Candidates { get; }

    /// <summary>
    /// The request fields of every request (imp 0), each in a <see cref="FieldValues"/> of its own,
    /// plus the fields of <paramref name="candidate"/> when one is given.
    /// </summary>
    public FieldValues[] ExtractAll(AdCandidate? candidate)
    {
        var all = new FieldValues[RequestCount];
        for (var i = 0; i < all.Length; i++)
        {
            all[i] = new FieldValues(FieldSchema.OpenRtb);
            OpenRtbFieldExtractor.ExtractRequest(Requests[i], 0, ReceivedUtc[i], Exchange, all[i]);
            if (candidate is not null)
            {
                OpenRtbFieldExtractor.ExtractCandidate(candidate, all[i]);
            }
        }

        return all;
    }

    /// <summary>A <see cref="FieldValues"/> holding only <paramref name="candidate"/>'s fields.</summary>
    public static FieldValues CandidateOnly(AdCandidate candidate)
    {
        var values = new FieldValues(FieldSchema.OpenRtb);
        OpenRtbFieldExtractor.ExtractCandidate(candidate, values);
        return values;
    }

    private static LogisticModel RandomDenseModel(FeatureSpec spec)
    {
        var random = new Random(WeightSeed);
        var weights = new float[spec.Size];
        for (var i = 0; i < weights.Length; i++)
        {
            // Uniform in [-0.5, 0.5), never exactly zero: every weight is a real read.
            float w;
            do
            {
                w = (float)(random.NextDouble() - 0.5);
            }
            while (w == 0f);

            weights[i] = w;
        }

        var info = new ModelInfo { ModelId = "bench-random", Algorithm = "random" };
        return LogisticModel.Create(info, spec, -3.5, weights, ModelLayout.Dense);
    }
}
