using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Events;

public class EventParityTests
{
    [Fact]
    public void LoggedBidEvent_ReachesTheSameFeatureIndicesAndPctr_AsTheLiveRequest()
    {
        // The bidder extracts fields from the request and logs them raw in its bid event; the trainer and
        // the back-tester rebuild features from the event. Both must land on the same indices, and the
        // model must give the same pCTR to the bit.
        var spec = TestData.DefaultSpec();
        var model = Model.LogisticModelTests.RandomModel(spec, seed: 8);
        var sim = new TrafficSimulator(new SimulatorOptions { Seed = 99 });
        var request = new BidRequest();
        var live = new FieldValues(FieldSchema.OpenRtb);
        var replayed = new FieldValues(FieldSchema.OpenRtb);
        var liveIndices = new int[model.Hasher.FeatureCount];
        var replayIndices = new int[model.Hasher.FeatureCount];
        var pctr = new double[1];
        for (var n = 0; n < 300; n++)
        {
            var r = sim.Next();
            var creative = sim.PickCreative(r) ?? sim.Creatives[0];
            BidRequestParser.Parse(r.ToJson(), request);
            OpenRtbScorer.Score(model, request, 0, r.Time, "exch"u8, [creative.ToCandidate()], live, pctr);
            model.Hasher.Indices(live, liveIndices);

            var logged = new BidEvent
            {
                BidId = r.Id,
                PCtr = pctr[0],
                SpecFingerprint = spec.FingerprintHex,
                Fields = live.ToDictionary(),
            };
            var decoded = EventSerializer.Deserialize<BidEvent>(EventSerializer.Serialize(logged));
            replayed.Load(decoded.Fields);
            model.Hasher.Indices(replayed, replayIndices);

            Assert.Equal(liveIndices, replayIndices);
            Assert.Equal(BitConverter.DoubleToInt64Bits(decoded.PCtr), BitConverter.DoubleToInt64Bits(model.Predict(replayed)));
        }
    }
}
