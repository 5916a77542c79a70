using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Benchmarks.Soak;

/// <summary>
/// A fixed, seeded stream of auctions for the soak: each a bid, half of them won (a win notice
/// <see cref="WinDelayMs"/> later), the won ones clicked with the simulator's hidden CTR (a click
/// <see cref="ClickDelayMs"/> after the bid). Each event is logged when it happens, as the bidders log
/// them, so a fault finds auctions under way: bids logged whose win notices and clicks are still to come.
/// What the joiner must make of it: one example per won auction, clicked when it was.
/// </summary>
internal sealed class SoakAuctions
{
    public const string Bids = "clickpredict.bids", Impressions = "clickpredict.impressions", Clicks = "clickpredict.clicks";

    /// <summary>How long after its bid an auction's win notice is logged (the exchange's notice, then the bidder's log).</summary>
    public const int WinDelayMs = 150;

    /// <summary>How long after its bid a click is logged.</summary>
    public const int ClickDelayMs = 1200;

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

    /// <summary>Auction <paramref name="index"/>'s bid, stamped <paramref name="bidMs"/>.</summary>
    public (string Topic, string Key, byte[] Value) Bid(int index, long bidMs)
    {
        var auction = _auctions[index];
        return (Bids, auction.BidId, BidBytes(auction.BidId, auction.Fields, bidMs));
    }

    /// <summary>A benchmark's bid event (model <c>ctr</c> v1, pCTR 0.05, 1.5 CPM) with <paramref name="fields"/>, serialised.</summary>
    public static byte[] BidBytes(string bidId, Dictionary<string, string> fields, long timeMs) => EventSerializer.Serialize(new BidEvent
    {
        BidId = bidId,
        RequestId = bidId,
        ImpId = "1",
        TimeUnixMs = timeMs,
        ModelId = "ctr",
        ModelVersion = 1,
        PCtr = 0.05,
        PriceCpm = 1.5m,
        CreativeId = fields.GetValueOrDefault("creative.id", string.Empty),
        Fields = fields,
    });

    /// <summary>What follows auction <paramref name="index"/>'s bid at <paramref name="bidMs"/>: its win notice and click, each with the time it happens.</summary>
    public IEnumerable<(long AtMs, string Topic, string Key, byte[] Value)> Outcomes(int index, long bidMs)
    {
        var auction = _auctions[index];
        if (!auction.Won)
        {
            yield break;
        }

        yield return (bidMs + WinDelayMs, Impressions, auction.BidId, EventSerializer.Serialize(new ImpressionEvent { BidId = auction.BidId, TimeUnixMs = bidMs + WinDelayMs, ClearingPriceCpm = 1.1m }));
        if (auction.Clicked)
        {
            yield return (bidMs + ClickDelayMs, Clicks, auction.BidId, EventSerializer.Serialize(new ClickEvent { BidId = auction.BidId, TimeUnixMs = bidMs + ClickDelayMs }));
        }
    }

    private sealed record Auction(string BidId, Dictionary<string, string> Fields, bool Won, bool Clicked);
}
