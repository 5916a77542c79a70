using ClickPredict.Core.Events;
using ClickPredict.Core.Hashing;
using ClickPredict.Core.Simulation;
using Confluent.Kafka;

namespace ClickPredict.Trainer.Tests;

/// <summary>
/// Simulated auctions as the bidder would log them (bid, win notice, clicks, keyed by bid id), with
/// the ground truth of what the joiner must emit: one example per won bid, clicked when a click fell
/// inside the attribution window. The stream also carries what a real one does: win notices before
/// their bid, duplicated win notices, clicks after the window, and clicks for bids never seen.
/// </summary>
internal sealed class SimAuctions
{
    /// <summary>Event time of the first bid (fixed: the join runs in event time).</summary>
    public static readonly long StartMs = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly int _attributionMs;

    // Clicks after the window, held back until the stream reaches their time (see Produce).
    private readonly List<(string BidId, ClickEvent Click)> _lateClicks = [];

    // Bids of each partition waiting for their batch (BidBatch).
    private readonly Dictionary<int, List<(string BidId, byte[] Event)>> _batches = [];

    private SimAuctions(List<Auction> auctions, int attributionMs)
    {
        Auctions = auctions;
        _attributionMs = attributionMs;
    }

    public List<Auction> Auctions { get; }

    /// <summary>
    /// When above 0, bids go out as the bidder batches them (docs/TRAINER.md): per partition of their bid id,
    /// this many to a <see cref="BidEventBatch"/> keyed by its first bid id (the rest at the end of each
    /// <see cref="Produce"/>), so a bid may reach its topic after its win notice reached theirs.
    /// </summary>
    public int BidBatch { get; set; }

    /// <summary>Bid id to expected label, for every auction that must become an example.</summary>
    public Dictionary<string, bool> Expected => Auctions.Where(a => a.Impression is not null).ToDictionary(a => a.BidId, a => a.ExpectedClicked, StringComparer.Ordinal);

    /// <param name="startMs">Event time of the first bid (default <see cref="StartMs"/>; the wall clock's now for events a live bidder logs).</param>
    public static SimAuctions Make(int count, int seed = 7, double winRate = 0.6, int attributionMs = 2000, long? startMs = null)
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = seed, OutcomeSeed = seed + 1, Sites = 200, Apps = 80 }));
        var random = new Random(seed);
        var auctions = new List<Auction>(count);
        for (var i = 0; i < count; i++)
        {
            var example = examples.Next();
            var bidId = $"bid-{seed}-{i:D6}";
            var bidTime = (startMs ?? StartMs) + (i * 2L);
            var bid = new BidEvent
            {
                BidId = bidId,
                RequestId = "req-" + i,
                ImpId = "1",
                TimeUnixMs = bidTime,
                Exchange = "sim",
                ModelId = "ctr",
                ModelVersion = 1,
                SpecFingerprint = "0000000000000000",
                PCtr = 0.03,
                PriceCpm = 1.25m,
                CampaignId = example.Fields.GetValueOrDefault("campaign.id", "camp"),
                CreativeId = example.Fields.GetValueOrDefault("creative.id", "cr"),
                AdvertiserId = example.Fields.GetValueOrDefault("advertiser.id", "adv"),
                Fields = example.Fields,
            };
            var won = random.NextDouble() < winRate;
            var auction = new Auction(bidId, bid) { ImpressionFirst = i % 10 == 3, DuplicateImpression = i % 40 == 7 };
            if (won)
            {
                auction.Impression = new ImpressionEvent { BidId = bidId, TimeUnixMs = bidTime + 50, ClearingPriceCpm = 0.9m, CampaignId = bid.CampaignId };
                if (example.Clicked)
                {
                    auction.Clicks.Add(new ClickEvent { BidId = bidId, TimeUnixMs = bidTime + 50 + 300 });
                    auction.ExpectedClicked = true;
                }

                if (i % 50 == 11)
                {
                    // A click long after the window: counted, does not label the example.
                    auction.Clicks.Add(new ClickEvent { BidId = bidId, TimeUnixMs = bidTime + 50 + attributionMs + 5_000 });
                }
            }

            if (i % 70 == 5)
            {
                auction.GhostClick = new ClickEvent { BidId = $"ghost-{seed}-{i}", TimeUnixMs = bidTime + 10 };
            }

            auctions.Add(auction);
        }

        return new SimAuctions(auctions, attributionMs);
    }

    /// <summary>
    /// Produces auctions [<paramref name="from"/>, <paramref name="to"/>) and waits for delivery. A click
    /// after the attribution window is logged when the stream reaches its time, as a bidder logs a click
    /// when it happens (each input in event-time order, which the joiner's clock relies on); until then it
    /// waits, across calls: the last ones of the last call are never logged.
    /// </summary>
    public void Produce(IProducer<string, byte[]> producer, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var a = Auctions[i];
            while (_lateClicks.Count > 0 && _lateClicks[0].Click.TimeUnixMs <= a.Bid.TimeUnixMs)
            {
                Send(producer, TestSupport.Clicks, _lateClicks[0].BidId, EventSerializer.Serialize(_lateClicks[0].Click));
                _lateClicks.RemoveAt(0);
            }

            if (a.ImpressionFirst && a.Impression is not null)
            {
                Send(producer, TestSupport.Impressions, a.BidId, EventSerializer.Serialize(a.Impression));
            }

            SendBid(producer, a);
            if (!a.ImpressionFirst && a.Impression is not null)
            {
                Send(producer, TestSupport.Impressions, a.BidId, EventSerializer.Serialize(a.Impression));
            }

            if (a.DuplicateImpression && a.Impression is not null)
            {
                Send(producer, TestSupport.Impressions, a.BidId, EventSerializer.Serialize(a.Impression));
            }

            foreach (var click in a.Clicks)
            {
                if (a.Impression is not null && click.TimeUnixMs > a.Impression.TimeUnixMs + _attributionMs)
                {
                    _lateClicks.Add((a.BidId, click));
                }
                else
                {
                    Send(producer, TestSupport.Clicks, a.BidId, EventSerializer.Serialize(click));
                }
            }

            if (a.GhostClick is not null)
            {
                Send(producer, TestSupport.Clicks, a.GhostClick.BidId, EventSerializer.Serialize(a.GhostClick));
            }
        }

        foreach (var batch in _batches.Values.Where(b => b.Count > 0))
        {
            SendBatch(producer, batch);
        }

        if (producer.Flush(TestSupport.Patience) != 0)
        {
            throw new InvalidOperationException("the test producer could not deliver its events");
        }
    }

    private void SendBid(IProducer<string, byte[]> producer, Auction a)
    {
        var bid = EventSerializer.Serialize(a.Bid);
        if (BidBatch == 0)
        {
            Send(producer, TestSupport.Bids, a.BidId, bid);
            return;
        }

        var partition = KeyPartitioner.Partition(System.Text.Encoding.UTF8.GetBytes(a.BidId), TestSupport.Partitions);
        if (!_batches.TryGetValue(partition, out var batch))
        {
            _batches[partition] = batch = [];
        }

        batch.Add((a.BidId, bid));
        if (batch.Count == BidBatch)
        {
            SendBatch(producer, batch);
        }
    }

    private static void SendBatch(IProducer<string, byte[]> producer, List<(string BidId, byte[] Event)> events)
    {
        var used = BidEventBatch.HeaderLength + events.Sum(e => e.Event.Length);
        var message = new byte[BidEventBatch.PaddedLength(used)];
        var at = BidEventBatch.HeaderLength;
        foreach (var (_, e) in events)
        {
            e.CopyTo(message, at);
            at += e.Length;
        }

        BidEventBatch.WriteHeader(message);
        BidEventBatch.Finish(message, used, events.Count);
        Send(producer, TestSupport.Bids, events[0].BidId, message);
        events.Clear();
    }

    private static void Send(IProducer<string, byte[]> producer, string topic, string key, byte[] value) =>
        producer.Produce(topic, new Message<string, byte[]> { Key = key, Value = value });

    internal sealed class Auction(string bidId, BidEvent bid)
    {
        public string BidId { get; } = bidId;

        public BidEvent Bid { get; } = bid;

        public ImpressionEvent? Impression { get; set; }

        public List<ClickEvent> Clicks { get; } = [];

        public ClickEvent? GhostClick { get; set; }

        public bool ExpectedClicked { get; set; }

        public bool ImpressionFirst { get; init; }

        public bool DuplicateImpression { get; init; }
    }
}
