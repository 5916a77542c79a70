using ClickPredict.Cli.Backtest;
using ClickPredict.Core.Features;
using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Tests.Backtest;

/// <summary>
/// The serving cost times the bidder's own scoring call (<see cref="OpenRtbScorer.ScoreExtracted"/>,
/// what <see cref="OpenRtbScorer.Score"/> runs after extraction), so what it times must score each
/// row as the back-test's metrics do, and as the bidder would.
/// </summary>
public class ServingCostTests
{
    private static readonly byte[] s_exchange = "sim"u8.ToArray();

    [Fact]
    public void ScoreAsBidder_GivesEachRowTheBacktestScorersPctr_ToTheBit()
    {
        var (model, rows) = TrainedModel(seed: 3, rowCount: 400);
        var pctrs = new double[rows.Length];
        ServingCost.ScoreAsBidder(model, rows, ServingCost.CandidateSlotHashes(model, rows), pctrs);

        var slots = new uint[model.Hasher.SlotCount];
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(BacktestScorer.Score(model, rows[i], slots)), BitConverter.DoubleToInt64Bits(pctrs[i]));
        }
    }

    [Fact]
    public void ScoreExtracted_WithTheCreativesHashes_IsWhatTheBidderScores()
    {
        // The bidder's whole call on a parsed request, against the timed call on the fields it extracted.
        var (model, _) = TrainedModel(seed: 5, rowCount: 200);
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 9 });
        var candidates = SimCreative.DemoSet.Take(6).Select(c => c.ToCandidate()).ToArray();
        var request = new BidRequest();
        var scratch = new FieldValues(FieldSchema.OpenRtb);
        var expected = new double[candidates.Length];
        for (var i = 0; i < 50; i++)
        {
            var sim = simulator.Next();
            BidRequestParser.Parse(sim.ToJson(), request);
            OpenRtbScorer.Score(model, request, 0, sim.Time, s_exchange, candidates, scratch, expected);

            foreach (var (candidate, c) in candidates.Select((x, c) => (x, c)))
            {
                var row = new FieldValues(FieldSchema.OpenRtb);
                OpenRtbFieldExtractor.ExtractRequest(request, 0, sim.Time, s_exchange, row);
                OpenRtbFieldExtractor.ExtractCandidate(candidate, row);
                var pctr = new double[1];
                ServingCost.ScoreAsBidder(model, [row], ServingCost.CandidateSlotHashes(model, [row]), pctr);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected[c]), BitConverter.DoubleToInt64Bits(pctr[0]));
            }
        }
    }

    [Fact]
    public void HashAndScore_GivesEveryModelAFiniteCostPerRequest()
    {
        var (first, rows) = TrainedModel(seed: 3, rowCount: 300);
        var (second, _) = TrainedModel(seed: 4, rowCount: 300);
        var nanoseconds = ServingCost.HashAndScore([first, second], rows, TimeSpan.FromMilliseconds(20));
        Assert.Equal(2, nanoseconds.Length);
        Assert.All(nanoseconds, ns => Assert.True(double.IsFinite(ns) && ns > 0, $"{ns} ns"));
    }

    /// <summary>An FTRL model of the default spec (2^18) trained on simulated examples, and those examples' fields.</summary>
    private static (LogisticModel Model, FieldValues[] Rows) TrainedModel(int seed, int rowCount)
    {
        var spec = FeatureSpec.Load(CliRunner.Spec("default")).WithHashBits(18);
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = seed, OutcomeSeed = seed + 1 }));
        var learner = new FtrlLearner(spec);
        var hasher = new FeatureHasher(spec);
        var indices = new int[hasher.FeatureCount];
        var rows = new FieldValues[rowCount];
        for (var i = 0; i < rows.Length; i++)
        {
            var example = examples.Next();
            rows[i] = new FieldValues(FieldSchema.OpenRtb);
            rows[i].Load(example.Fields);
            hasher.Indices(rows[i], indices);
            learner.Learn(indices, example.Clicked);
        }

        return (learner.ToModel(), rows);
    }
}
