using System.Diagnostics;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// Measures what a spec costs at serving time, in the command itself: a short timed loop of the
/// bidder's own scoring call after field extraction (<see cref="OpenRtbScorer.ScoreExtracted"/>, which
/// <see cref="OpenRtbScorer.Score"/> runs: request features hashed once, candidate indices worked out
/// and their weights prefetched before any is summed) over test rows already in memory, one
/// <see cref="FieldValues"/> per row as field extraction would leave it, each row's creative the one
/// candidate. As in the bidder, a candidate's slot hashes are worked out once per model, before
/// timing, not per request. A figure printed for the user, not a benchmark: the thread's CPU time where the OS
/// gives it (<see cref="ThreadClock"/>), and the minimum over several rounds, to shed interference
/// from other work on the machine.
/// The extraction figure is the fastest of the same number of rounds.
/// </summary>
internal static class ServingCost
{
    private const int Rounds = 10;

    /// <summary>Untimed rounds first, so every model runs fully optimised code (tiered JIT) before timing starts.</summary>
    private const int WarmUpRounds = 2;

    /// <summary>Up to <paramref name="max"/> rows of <paramref name="table"/> from <paramref name="from"/> on, each in its own <see cref="FieldValues"/>.</summary>
    public static FieldValues[] Requests(ExampleTable table, int from, int to, int max)
    {
        var count = Math.Min(max, to - from);
        var requests = new FieldValues[count];
        for (var i = 0; i < count; i++)
        {
            requests[i] = new FieldValues(table.Schema, 256);
            table.Fill(from + i, requests[i]);
        }

        return requests;
    }

    /// <summary>
    /// Each row's candidate slot hashes under <paramref name="model"/>'s hasher, one row after another
    /// (what <see cref="RowCandidate"/> reads): the part of the hashing the bidder does once per
    /// creative and model, not per request.
    /// </summary>
    public static uint[] CandidateSlotHashes(LogisticModel model, FieldValues[] requests)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(requests);
        var hasher = model.Hasher;
        var stride = hasher.SlotCount - hasher.RequestSlotCount;
        var slots = new uint[hasher.SlotCount];
        var hashes = new uint[requests.Length * stride];
        for (var i = 0; i < requests.Length; i++)
        {
            hasher.HashCandidateFields(requests[i], slots);
            slots.AsSpan(hasher.RequestSlotCount).CopyTo(hashes.AsSpan(i * stride, stride));
        }

        return hashes;
    }

    /// <summary>
    /// Scores every row of <paramref name="requests"/> as the bidder scores a request with one
    /// creative (<see cref="OpenRtbScorer.ScoreExtracted"/>), writing each pCTR into
    /// <paramref name="pctrs"/>: the loop the serving cost times.
    /// </summary>
    public static void ScoreAsBidder(LogisticModel model, FieldValues[] requests, uint[] candidateHashes, double[] pctrs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(requests);
        var stride = model.Hasher.SlotCount - model.Hasher.RequestSlotCount;
        for (var i = 0; i < requests.Length; i++)
        {
            OpenRtbScorer.ScoreExtracted(model, requests[i], new RowCandidate(candidateHashes, i * stride, stride), pctrs.AsSpan(i, 1));
        }
    }

    /// <summary>
    /// Nanoseconds per request to hash and score <paramref name="requests"/> with each of
    /// <paramref name="models"/>, spending about <paramref name="budget"/> per model. The models take
    /// turns round after round and each keeps its fastest round, so all of them see the machine (and
    /// the JIT) in the same state, and a burst of other work costs none of them.
    /// </summary>
    public static double[] HashAndScore(IReadOnlyList<LogisticModel> models, FieldValues[] requests, TimeSpan budget)
    {
        var rounds = TimeRounds(models, requests, budget);
        return [.. rounds.Select(r => r.Min())];
    }

    /// <summary>
    /// What <paramref name="candidate"/> costs per request over <paramref name="baseline"/>,
    /// nanoseconds: the two take turns, round after round, and the extra cost is the difference of
    /// their fastest rounds (the statistic that proved steadiest on a busy machine).
    /// </summary>
    public static (double Baseline, double Candidate, double Extra) Extra(LogisticModel baseline, LogisticModel candidate, FieldValues[] requests, TimeSpan budget)
    {
        var best = HashAndScore([baseline, candidate], requests, budget);
        return (best[0], best[1], best[1] - best[0]);
    }

    /// <summary>Nanoseconds per request of each model in each round.</summary>
    private static double[][] TimeRounds(IReadOnlyList<LogisticModel> models, FieldValues[] requests, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(models);
        var rounds = new double[models.Count][];
        for (var m = 0; m < models.Count; m++)
        {
            rounds[m] = new double[Rounds];
            rounds[m].AsSpan().Fill(double.NaN);
        }

        if (requests.Length == 0)
        {
            return rounds;
        }

        var candidateHashes = models.Select(m => CandidateSlotHashes(m, requests)).ToArray();
        var pctrs = new double[requests.Length];
        var perRound = (long)(budget.TotalSeconds * 1e9 / Rounds);
        for (var round = -WarmUpRounds; round < Rounds; round++)
        {
            // Who goes first rotates, so no model always follows the same one.
            for (var k = 0; k < models.Count; k++)
            {
                var m = (k + Math.Max(round, 0)) % models.Count;
                var model = models[m];
                long scored = 0;
                var start = ThreadClock.Now();
                long elapsed;
                do
                {
                    ScoreAsBidder(model, requests, candidateHashes[m], pctrs);
                    scored += requests.Length;
                    elapsed = ThreadClock.Now() - start;
                }
                while (elapsed < perRound && scored < 50_000_000);

                if (round >= 0)
                {
                    rounds[m][round] = (double)elapsed / scored;
                }
            }
        }

        return rounds;
    }

    /// <summary>
    /// Nanoseconds per request of OpenRTB field extraction (<see cref="OpenRtbFieldExtractor.ExtractRequest"/>
    /// plus <see cref="OpenRtbFieldExtractor.ExtractCandidate"/>) over <paramref name="count"/> parsed simulator
    /// requests: events files carry fields already extracted, not the requests, so the bidder's
    /// extraction is timed on simulated traffic. The same for every spec (it fills every field).
    /// </summary>
    public static double OpenRtbExtraction(int count, int seed, TimeSpan budget)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = seed, OutcomeSeed = seed + 1 });
        var requests = new List<(BidRequest Request, AdCandidate Candidate, DateTimeOffset Time)>(count);
        while (requests.Count < count)
        {
            var sim = simulator.Next();
            var creative = simulator.PickCreative(sim);
            if (creative is null)
            {
                continue;
            }

            var request = new BidRequest();
            BidRequestParser.Parse(sim.ToJson(), request);
            requests.Add((request, creative.ToCandidate(), sim.Time));
        }

        var values = new FieldValues(FieldSchema.OpenRtb);
        var exchange = "sim"u8.ToArray();
        foreach (var (request, candidate, time) in requests)
        {
            OpenRtbFieldExtractor.ExtractRequest(request, 0, time, exchange, values);
            OpenRtbFieldExtractor.ExtractCandidate(candidate, values);
        }

        var best = double.PositiveInfinity;
        var perRound = (long)(budget.TotalSeconds * 1e9 / Rounds);
        for (var round = 0; round < Rounds; round++)
        {
            long done = 0;
            var start = ThreadClock.Now();
            long elapsed;
            do
            {
                foreach (var (request, candidate, time) in requests)
                {
                    OpenRtbFieldExtractor.ExtractRequest(request, 0, time, exchange, values);
                    OpenRtbFieldExtractor.ExtractCandidate(candidate, values);
                }

                done += requests.Count;
                elapsed = ThreadClock.Now() - start;
            }
            while (elapsed < perRound && done < 50_000_000);

            best = Math.Min(best, (double)elapsed / done);
        }

        return best;
    }
}
