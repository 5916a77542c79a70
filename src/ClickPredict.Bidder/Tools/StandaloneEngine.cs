using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Notices;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Bidder.Tools;

/// <summary>
/// The bid engine without a host, wired as the bidder wires it (default settings, a fleet bidder whose spend
/// has been read back): for the handler
/// benchmark and allocation tests, which measure parse + features + score + price + write alone.
/// </summary>
internal sealed class StandaloneEngine
{
    public StandaloneEngine(string campaignsPath, LogisticModel model, TimeProvider? time = null, decimal shading = 0.8m)
    {
        time ??= TimeProvider.System;
        Catalog = CampaignCatalog.Load(campaignsPath, "http://127.0.0.1:5080");
        Models = new ModelHolder(5);
        Models.Swap(new ServingModel(model, ModelSource.DefaultFile, "(in memory)", null, time.GetUtcNow()));
        var signer = new NoticeSigner("standalone-engine-key-0123456789abcdef");
        // As a fleet bidder runs by default, its spend read back: budgets, shares and bid reservations checked.
        Budgets = new BudgetLedger(Catalog, time, 60, new FleetBudget(OwnNonce: 42, ShareRemainder: true, BidReserveMs: 1_000));
        Budgets.CaughtUp();
        Engine = new BidEngine(
            Catalog,
            Models,
            Budgets,
            new CurrencyTable(new Dictionary<string, decimal>()),
            new BidResponseWriter(signer, "clickpredict"),
            new BidIds(42),
            time,
            new BidEngineSettings(BidRequestLimits.Default, shading, 100, 20));
        Exchange = new Exchange("sim", 204);
        Context = Engine.CreateContext();
        Time = time;
    }

    public CampaignCatalog Catalog { get; }

    public ModelHolder Models { get; }

    public BudgetLedger Budgets { get; }

    public BidEngine Engine { get; }

    public Exchange Exchange { get; }

    public BidContext Context { get; }

    public TimeProvider Time { get; }

    /// <summary>One request through the engine with a reused context, as the handler does it; true on a bid.</summary>
    public bool Process(ReadOnlyMemory<byte> body, BodyFormat format = BodyFormat.Json)
    {
        Context.StartTimestamp = Time.GetTimestamp();
        Context.ReceivedUtc = Time.GetUtcNow();
        return Engine.Process(Context, new System.Buffers.ReadOnlySequence<byte>(body), format, Exchange);
    }

    /// <summary>The bid events of the last bid response, serialised as the event log does (without a transport).</summary>
    public void SerializeBidEvents(System.Buffers.ArrayBufferWriter<byte> buffer)
    {
        for (var i = 0; i < Context.BidCount; i++)
        {
            ref readonly var bid = ref Context.Bids[i];
            OpenRtbFieldExtractor.ExtractRequest(Context.Request, bid.ImpIndex, Context.ReceivedUtc, Exchange.NameUtf8, Context.Values);
            OpenRtbFieldExtractor.ExtractCandidate(bid.Creative.Candidate, Context.Values);
            buffer.ResetWrittenCount();
            BidEventWriter.Write(buffer, Context, bid, Context.Values);
        }
    }

}
