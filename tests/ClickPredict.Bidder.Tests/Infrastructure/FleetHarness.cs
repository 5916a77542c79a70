using System.Globalization;
using System.Text.Json.Nodes;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Fleet;
using ClickPredict.Core.Model;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Embedded;
using Microsoft.Extensions.DependencyInjection;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>
/// Several real bidders (each on Kestrel at 127.0.0.1) sharing one embedded broker of the test's own, the
/// same model and a campaigns file whose budgets the test sets (spent as fast as traffic allows: no even pacing).
/// </summary>
internal sealed class FleetHarness : IDisposable
{
    private readonly List<BidderFactory> _bidders = [];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clickpredict-fleet-tests", Guid.NewGuid().ToString("N"));

    public FleetHarness(decimal dailyBudgetUsd, int modelSeed = 1)
    {
        Cluster = EmbeddedKafkaCluster.Start(1, 4);
        foreach (var topic in new KafkaOptions().Topics.All)
        {
            Cluster.CreateTopic(topic, 4);
        }

        Directory.CreateDirectory(_directory);
        CampaignsPath = Path.Combine(_directory, "campaigns.json");
        var campaigns = JsonNode.Parse(File.ReadAllText(Repo.CampaignsFile))!;
        foreach (var advertiser in campaigns["advertisers"]!.AsArray())
        {
            foreach (var campaign in advertiser!["campaigns"]!.AsArray())
            {
                campaign!["dailyBudgetUsd"] = dailyBudgetUsd;
                campaign["pacing"] = "asap";
            }
        }

        File.WriteAllText(CampaignsPath, campaigns.ToJsonString());
        Model = TestModels.Create(seed: modelSeed);
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public string CampaignsPath { get; }

    public LogisticModel Model { get; }

    public IReadOnlyList<BidderFactory> Bidders => _bidders;

    /// <summary>A new bidder of the fleet (not started: <see cref="BidderFactory.Client"/> starts it and waits for its fleet spend).</summary>
    public BidderFactory NewBidder(Action<BidderFactory>? configure = null)
    {
        var bidder = new BidderFactory();
        bidder.Settings["Kafka:BootstrapServers"] = Cluster.BootstrapServers;
        bidder.Settings["Kafka:CreateTopics"] = "false";
        bidder.Settings["Kafka:Producer:LingerMs"] = "5";
        bidder.Settings["Kafka:Client:reconnect.backoff.ms"] = "50";
        bidder.Settings["Kafka:Client:reconnect.backoff.max.ms"] = "500";
        bidder.Settings["Bidder:CampaignsPath"] = CampaignsPath;
        configure?.Invoke(bidder);
        bidder.Publish(Model);
        _bidders.Add(bidder);
        return bidder;
    }

    /// <summary>Stops <paramref name="bidder"/> (its events flushed) and forgets it.</summary>
    public void Stop(BidderFactory bidder)
    {
        _bidders.Remove(bidder);
        bidder.Dispose();
    }

    /// <summary>Waits until every running bidder has read at least <paramref name="events"/> impression events back.</summary>
    public async Task ReadBackAsync(long events)
    {
        foreach (var bidder in _bidders)
        {
            var reader = bidder.Services.GetRequiredService<SpendReader>();
            await Until.TrueAsync(() => reader.EventsRead >= events, () => $"a bidder read {reader.EventsRead} of {events} impression events back; {Describe()}");
        }
    }

    /// <summary>Each bidder's producer, reader and ledger, for a failure's message.</summary>
    public string Describe() => string.Join("; ", _bidders.Select((bidder, i) =>
    {
        var producer = bidder.Services.GetRequiredService<EventProducer>();
        var ledger = bidder.Services.GetRequiredService<BudgetLedger>();
        var reader = bidder.Services.GetRequiredService<SpendReader>();
        return $"bidder {i}: producer {producer.Accepted} accepted, {producer.Delivered} delivered, {producer.Dropped} dropped, {producer.DeliveryFailed} failed; read {reader.EventsRead}; ledger {ledger.State}, {ledger.PendingCount} pending";
    }));

    /// <summary>The campaign of <paramref name="id"/> as <paramref name="bidder"/> loaded it.</summary>
    public static Campaign Campaign(BidderFactory bidder, string id) =>
        bidder.Services.GetRequiredService<CampaignCatalog>().CampaignsById[id];

    public static decimal Spent(BidderFactory bidder, string campaign) =>
        bidder.Services.GetRequiredService<BudgetLedger>().SpentToday(Campaign(bidder, campaign));

    public static string Money(decimal usd) => usd.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        foreach (var bidder in _bidders)
        {
            bidder.Dispose();
        }

        Cluster.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
