using System.Buffers;
using System.Text.Json;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Models;
using ClickPredict.Core.Features;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// Everything one request needs, pooled: the parsed request, field values, candidate and score
/// buffers, the bids placed and the response buffer with its JSON writer. Taken from the pool per
/// request and returned after the response is written, so in steady state a request allocates none
/// of this. Not thread-safe: one request at a time.
/// </summary>
internal sealed class BidContext
{
    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Ad markup is HTML: keep it readable (quotes and control characters are still escaped); the same
        // escaping as the creatives' pieces, which the response writer copies in already escaped.
        Encoder = CreativePieces.JsonEncoder,
        SkipValidation = true,
    };

    private int _stamp;

    public BidContext(int creativeCount, int campaignCount)
    {
        Candidates = new AdCandidate[creativeCount];
        CandidateCreatives = new Creative[creativeCount];
        Pctrs = new double[creativeCount];
        CreativeStamps = new int[creativeCount];
        CampaignStates = new byte[campaignCount];
        BudgetTight = new bool[campaignCount];
        Json = new Utf8JsonWriter(Output, s_writerOptions);
    }

    public BidRequest Request { get; } = new();

    public FieldValues Values { get; } = new(FieldSchema.OpenRtb);

    public AdCandidate[] Candidates { get; }

    public Creative[] CandidateCreatives { get; }

    public double[] Pctrs { get; }

    /// <summary>Per creative: the imp it was last made a candidate for (de-duplicates sizes offered twice).</summary>
    public int[] CreativeStamps { get; }

    /// <summary>Per campaign, for this request: 0 not yet checked, else 1 + the <see cref="NoBidReason"/> (1 = eligible).</summary>
    public byte[] CampaignStates { get; }

    /// <summary>Per campaign checked this request: less than one max-price impression of its budget is left, so each price must fit.</summary>
    public bool[] BudgetTight { get; }

    public PlacedBid[] Bids { get; private set; } = new PlacedBid[4];

    public int BidCount { get; private set; }

    public ArrayBufferWriter<byte> Output { get; } = new(4096);

    public Utf8JsonWriter Json { get; }

    /// <summary>Where bid events are serialised (after the response is written).</summary>
    public ArrayBufferWriter<byte> EventBuffer { get; } = new(2048);

    /// <summary>
    /// The fields of each bid's event (a MessagePack map), written when the bid is placed from the values
    /// its imp was scored with, so the event log extracts nothing again (see <see cref="PlacedBid.Fields"/>).
    /// </summary>
    public ArrayBufferWriter<byte> EventFields { get; } = new(2048);

    /// <summary>This context's keyed HMAC for signing notice URLs (set by the response writer on first use).</summary>
    public System.Security.Cryptography.IncrementalHash? Mac { get; set; }

    /// <summary>Scratch for a decompressed body or a compressed response.</summary>
    public MemoryStream Scratch { get; } = new(4096);

    // Per request.

    /// <summary>Whether <see cref="Request"/> holds this request (parsed without error).</summary>
    public bool Parsed { get; set; }

    public ServingModel? Model { get; set; }

    /// <summary>The win-rate model this request's first-price bids are priced under (null: the fixed factor), read once.</summary>
    public Core.Shading.WinRateModel? WinRate { get; set; }

    public Exchange Exchange { get; set; } = null!;

    public Currency BidCurrency { get; set; } = Currency.Usd;

    public DateTimeOffset ReceivedUtc { get; set; }

    public long StartTimestamp { get; set; }

    /// <summary>Whether <see cref="Values"/> holds this request's request-level fields (then each further imp re-extracts only its own).</summary>
    public bool RequestFieldsExtracted { get; set; }

    /// <summary>The furthest reason an imp got no bid (see <see cref="NoBidReason"/>'s order).</summary>
    public NoBidReason Reason { get; private set; }

    /// <summary>Forgets the previous request (buffers are kept).</summary>
    public void Reset()
    {
        Model = null;
        WinRate = null;
        Parsed = false;
        RequestFieldsExtracted = false;
        BidCount = 0;
        Reason = NoBidReason.None;
        BidCurrency = Currency.Usd;
        Array.Clear(CampaignStates);
        Output.ResetWrittenCount();
        EventFields.ResetWrittenCount();
        Json.Reset(Output);
    }

    /// <summary>Starts a new imp's candidate list; returns its stamp.</summary>
    public int NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(CreativeStamps);
            _stamp = 1;
        }

        return _stamp;
    }

    public void Note(NoBidReason reason)
    {
        if (reason > Reason)
        {
            Reason = reason;
        }
    }

    /// <summary>Sets the reason outright (request-level reasons: no model, deadline, crawler, currency).</summary>
    public void SetReason(NoBidReason reason) => Reason = reason;

    public void AddBid(in PlacedBid bid)
    {
        if (BidCount == Bids.Length)
        {
            var grown = new PlacedBid[Bids.Length * 2];
            Bids.AsSpan().CopyTo(grown);
            Bids = grown;
        }

        Bids[BidCount++] = bid;
    }

    /// <summary>Drops the bids placed (a deadline passed after scoring).</summary>
    public void ClearBids() => BidCount = 0;
}

/// <summary>
/// One bid of a response: an imp, the creative chosen for it, its price and the pCTR it came from, how it was
/// priced (<see cref="BidPriced"/>), and where its event's fields are in <see cref="BidContext.EventFields"/>
/// (empty when events are off).
/// </summary>
internal readonly record struct PlacedBid(UInt128 Id, int ImpIndex, Creative Creative, decimal Price, decimal PriceUsd, double Pctr, in BidPriced Priced, Range Fields = default);
