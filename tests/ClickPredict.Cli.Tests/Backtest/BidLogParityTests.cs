using ClickPredict.Cli.Backtest;
using ClickPredict.Core.Data;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Tests.Backtest;

/// <summary>
/// Research-production parity: bids priced the way the bidder prices them (its Core scoring path,
/// <see cref="OpenRtbScorer.Score"/>, on parsed OpenRTB requests, with the model read from its file)
/// and logged the way it logs them (<see cref="BidEvent"/> with the raw fields of the request and the
/// bid creative) replay through the back-test's own path (events file, <see cref="ExampleTable"/>,
/// <see cref="BacktestScorer"/>, the back-test's in-memory model) to the logged pCTR, bit for bit.
/// </summary>
/// <remarks>
/// This test drives the Core calls the bidder's engine makes (score every fitting creative of the imp,
/// take the best, extract the request and that creative's fields again for the event) over many
/// requests and with the bidder's full spec; <see cref="RealBidderParityTests"/> does the same with
/// events logged by the real bidder over HTTP and Kafka.
/// </remarks>
public class BidLogParityTests
{
    private static readonly byte[] s_exchange = "sim"u8.ToArray();

    [Fact]
    public void ReplayedBidLog_GetsTheBiddersLoggedPctrBackBitForBit()
    {
        using var dir = new TempDirectory();

        // 1. A model trained by the back-test itself on simulated traffic with the bidder's spec.
        var trainingData = dir.File("train.events");
        CliRunner.Ok("simulate", "--examples", "4000", "--out", trainingData, "--seed", "11", "--sites", "40", "--apps", "20");
        // The bidder's spec (fields, crosses, buckets), with a smaller hash space to keep the test quick.
        var specPath = CliRunner.SmallSpec(dir, "default");
        var spec = FeatureSpec.Load(specPath);
        var settings = new BacktestSettings
        {
            Data = trainingData,
            Format = DataFormat.Events,
            Specs = [new SpecSource(spec, "default", SpecSource.Baseline, specPath), new SpecSource(spec, "default #2", SpecSource.Candidate, specPath)],
            Resamples = 20,
            TimingBudget = TimeSpan.FromMilliseconds(2),
        };
        var backtestModel = new BacktestEngine(settings, NullProgress.Instance).Run().Baseline.Model!;
        Assert.True(backtestModel.NonZeroCount > 100);

        // 2. The bidder loads the published model file and prices simulated requests.
        var modelPath = dir.File("model.cpm");
        ModelFile.Save(backtestModel, modelPath);
        var servedModel = ModelFile.Load(modelPath);
        var bidLog = Bid(servedModel, requests: 1_500, seed: 99);
        Assert.True(bidLog.Count > 1_000);
        Assert.True(bidLog.Select(b => b.PCtr).Distinct().Count() > 500);

        // 3. The joiner turns logged bids into labelled examples; export-examples writes them to a file.
        var eventsPath = dir.File("bids.events");
        using (var stream = File.Create(eventsPath))
        {
            foreach (var bid in bidLog)
            {
                EventSerializer.Serialize(stream, new LabeledExample
                {
                    BidId = bid.BidId,
                    Clicked = bid.BidId.EndsWith('7'),
                    BidTimeUnixMs = bid.TimeUnixMs,
                    ImpressionTimeUnixMs = bid.TimeUnixMs,
                    ModelId = bid.ModelId,
                    ModelVersion = bid.ModelVersion,
                    PCtr = bid.PCtr,
                    Schema = bid.Schema,
                    Fields = bid.Fields,
                    SpecFingerprint = bid.SpecFingerprint,
                });
            }
        }

        // 4. The back-test reads the file and scores every row with its own model: the logged pCTR, to the bit.
        using var reader = (EventExampleReader)ExampleReader.Open(eventsPath, DataFormat.Events);
        var table = ExampleTable.Load(reader);
        Assert.Equal(bidLog.Count, table.Count);
        var replayed = BacktestScorer.Score(backtestModel, table, 0, table.Count);
        var values = new FieldValues(FieldSchema.OpenRtb);
        for (var i = 0; i < bidLog.Count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(bidLog[i].PCtr), BitConverter.DoubleToInt64Bits(replayed[i]));
            // evaluate's path (all indices at once) agrees too.
            table.Fill(i, values);
            Assert.Equal(BitConverter.DoubleToInt64Bits(bidLog[i].PCtr), BitConverter.DoubleToInt64Bits(backtestModel.Predict(values)));
        }

        Assert.All(bidLog, b => Assert.Equal(backtestModel.Spec.FingerprintHex, b.SpecFingerprint));
    }

    [Fact]
    public void ReplayedBidLog_WithAnotherModel_DoesNotMatch()
    {
        // The parity check can fail: a model trained on other data prices the same bids differently.
        var spec = FeatureSpec.Load(CliRunner.Spec("default")).WithHashBits(18);
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 3, OutcomeSeed = 4 }));
        var learner = new Core.Learning.FtrlLearner(spec);
        var hasher = new FeatureHasher(spec);
        var indices = new int[hasher.FeatureCount];
        var values = new FieldValues(FieldSchema.OpenRtb);
        for (var i = 0; i < 1_000; i++)
        {
            var example = examples.Next();
            values.Load(example.Fields);
            hasher.Indices(values, indices);
            learner.Learn(indices, example.Clicked);
        }

        var served = learner.ToModel();
        var other = FtrlOnShiftedLabels(spec, examples);
        var bids = Bid(served, requests: 200, seed: 5);
        var slots = new uint[other.Hasher.SlotCount];
        var mismatches = bids.Count(b =>
        {
            values.Load(b.Fields);
            return BitConverter.DoubleToInt64Bits(BacktestScorer.Score(other, values, slots)) != BitConverter.DoubleToInt64Bits(b.PCtr);
        });
        Assert.True(mismatches > bids.Count / 2);
    }

    private static LogisticModel FtrlOnShiftedLabels(FeatureSpec spec, SimulatedExamples examples)
    {
        var learner = new Core.Learning.FtrlLearner(spec);
        var hasher = new FeatureHasher(spec);
        var indices = new int[hasher.FeatureCount];
        var values = new FieldValues(FieldSchema.OpenRtb);
        for (var i = 0; i < 1_000; i++)
        {
            var example = examples.Next();
            values.Load(example.Fields);
            hasher.Indices(values, indices);
            learner.Learn(indices, !example.Clicked);
        }

        return learner.ToModel();
    }

    /// <summary>
    /// What the bidder does per request (its Core calls): parse, score every creative that fits the
    /// imp through <see cref="OpenRtbScorer.Score"/>, bid with the best, then log a <see cref="BidEvent"/>
    /// whose fields are the request's and the bid creative's, extracted again. Returns the log, read back.
    /// </summary>
    private static List<BidEvent> Bid(LogisticModel model, int requests, int seed)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = seed, OutcomeSeed = seed + 1 });
        var request = new BidRequest();
        var scratch = new FieldValues(FieldSchema.OpenRtb);
        var creatives = SimCreative.DemoSet.Select(c => (Creative: c, Candidate: c.ToCandidate())).ToList();
        var candidates = new AdCandidate[creatives.Count];
        var fitting = new SimCreative[creatives.Count];
        var pctrs = new double[creatives.Count];
        using var log = new MemoryStream();
        for (var r = 0; r < requests; r++)
        {
            var sim = simulator.Next();
            BidRequestParser.Parse(sim.ToJson(), request);
            var count = 0;
            foreach (var (creative, candidate) in creatives)
            {
                if (TrafficSimulator.Fits(creative, sim))
                {
                    fitting[count] = creative;
                    candidates[count++] = candidate;
                }
            }

            if (count == 0)
            {
                continue;
            }

            OpenRtbScorer.Score(model, request, 0, sim.Time, s_exchange, candidates.AsSpan(0, count), scratch, pctrs);
            var best = 0;
            for (var i = 1; i < count; i++)
            {
                best = pctrs[i] > pctrs[best] ? i : best;
            }

            OpenRtbFieldExtractor.ExtractRequest(request, 0, sim.Time, s_exchange, scratch);
            OpenRtbFieldExtractor.ExtractCandidate(candidates[best], scratch);
            EventSerializer.Serialize(log, new BidEvent
            {
                BidId = $"{sim.Id}-{r}",
                RequestId = sim.Id,
                ImpId = sim.ImpId,
                TimeUnixMs = sim.Time.ToUnixTimeMilliseconds(),
                Exchange = "sim",
                ModelId = model.Info.ModelId,
                ModelVersion = model.Info.Version,
                SpecFingerprint = model.Spec.FingerprintHex,
                PCtr = pctrs[best],
                CampaignId = fitting[best].CampaignId,
                CreativeId = fitting[best].CreativeId,
                AdvertiserId = fitting[best].AdvertiserId,
                AuctionType = sim.AuctionType,
                Fields = scratch.ToDictionary(),
            });
        }

        // Read the log back as the trainer would consume it.
        var bytes = log.ToArray();
        var events = new List<BidEvent>();
        var reader = new MessagePack.MessagePackReader(bytes);
        while (!reader.End)
        {
            var start = (int)reader.Consumed;
            reader.Skip();
            events.Add(EventSerializer.Deserialize<BidEvent>(bytes.AsMemory(start, (int)reader.Consumed - start)));
        }

        return events;
    }
}
