using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Benchmarks.Soak;

/// <summary>
/// A fixed, seeded stream of auctions for the soak: each a bid, half of them won (a win notice 20 ms
/// later), the won ones clicked with the simulator's hidden CTR (a click 300 ms after the bid). What the
/// joiner must make of it: one example per won auction, clicked when it was.
/// </summary>
internal sealed class SoakAuctions
{
    public const string Bids = "clickpredict.bids", Impressions = "clickpredict.impressions", Clicks = "clickpredict.clicks";

    private readonly List<Auction> _auctions;

    private SoakAuctions(List<Auction> auctions) => _auctions = auctions;

    public int Count => _auctions.Count;

    /// <summary>Events in the stream (bids, win notices, clicks).</summary>
    public long EventCount => _auctions.Sum(a => 1 + (a.Won ? 1 : 0) + (a.Won && a.Clicked ? 1 : 0));

    /// <summary>Bid id to label of every won auction.</summary>
    public Dictionary<string, bool> Expected => _auctions.Where(a => a.Won).ToDictionary(a => a.BidId, a => a.Clicked, StringComparer.Ordinal);

    public static SoakAuctions Make(int count, int seed)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = seed, OutcomeSeed = seed + 1 }));
        var outcomes = new Random(seed);
        var auctions = new List<Auction>(count);
        for (var i = 0; i < count; i++)
        {
            var example = examples.Next();
            var won = outcomes.NextDouble() < 0.5;
            auctions.Add(new Auction("s" + seed.ToString(CultureInfo.InvariantCulture) + "-" + i.ToString("x8", CultureInfo.InvariantCulture), example.Fields, won, won && example.Clicked));
        }

        return new SoakAuctions(auctions);
    }

    /// <summary>Auction <paramref name="index"/>'s events, its bid stamped <paramref name="nowMs"/>.</summary>
    public IEnumerable<(string Topic, string Key, byte[] Value)> Events(int index, long nowMs)
    {
        var auction = _auctions[index];
        yield return (Bids, auction.BidId, EventSerializer.Serialize(new BidEvent
        {
            BidId = auction.BidId,
            RequestId = auction.BidId,
            ImpId = "1",
            TimeUnixMs = nowMs,
            ModelId = "ctr",
            ModelVersion = 1,
            PCtr = 0.05,
            PriceCpm = 1.5m,
            CreativeId = auction.Fields.GetValueOrDefault("creative.id", string.Empty),
            Fields = auction.Fields,
        }));
        if (auction.Won)
        {
            yield return (Impressions, auction.BidId, EventSerializer.Serialize(new ImpressionEvent { BidId = auction.BidId, TimeUnixMs = nowMs + 20, ClearingPriceCpm = 1.1m }));
            if (auction.Clicked)
            {
                yield return (Clicks, auction.BidId, EventSerializer.Serialize(new ClickEvent { BidId = auction.BidId, TimeUnixMs = nowMs + 300 }));
            }
        }
    }

    private sealed record Auction(string BidId, Dictionary<string, string> Fields, bool Won, bool Clicked);
}
