using System.Buffers;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Shading;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Shading;

namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// The bid decision, free of HTTP: parse the body into the context's pooled request, read the model
/// once, and for each banner imp score the eligible creatives of the offered sizes, price them and
/// keep the best that clears the floor; then write the response into the context's buffer. What it
/// allocates per request is nothing in steady state (see the handler benchmark).
/// </summary>
internal sealed partial class BidEngine
{
    /// <summary>The creative type our markup is (AdCOM banner type 2, XHTML banner ad), as <c>btype</c> may block it.</summary>
    private const int OurBannerType = 2;

    private readonly CampaignCatalog _catalog;
    private readonly ModelHolder _models;
    private readonly BudgetLedger _budgets;
    private readonly CurrencyTable _currencies;
    private readonly BidResponseWriter _writer;
    private readonly BidIds _ids;
    private readonly TimeProvider _time;
    private readonly FirstPricePricer _firstPrice;
    private readonly BidRequestLimits _limits;
    private readonly decimal _shading;
    private readonly int _defaultTMaxMs;
    private readonly int _networkAllowanceMs;
    private readonly bool _captureEventFields;

    public BidEngine(
        CampaignCatalog catalog,
        ModelHolder models,
        BudgetLedger budgets,
        CurrencyTable currencies,
        BidResponseWriter writer,
        BidIds ids,
        TimeProvider time,
        FirstPricePricer firstPrice,
        BidEngineSettings settings)
    {
        _firstPrice = firstPrice;
        _catalog = catalog;
        _models = models;
        _budgets = budgets;
        _currencies = currencies;
        _writer = writer;
        _ids = ids;
        _time = time;
        _limits = settings.Limits;
        _shading = settings.FirstPriceShading;
        _defaultTMaxMs = settings.DefaultTMaxMs;
        _networkAllowanceMs = settings.NetworkAllowanceMs;
        _captureEventFields = settings.CaptureEventFields;
    }

    public CampaignCatalog Catalog => _catalog;

    /// <summary>A fresh context sized for the catalog (the pool's factory).</summary>
    public BidContext CreateContext() => new(_catalog.Creatives.Length, _catalog.Campaigns.Length);

    /// <summary>
    /// Decides on the request in <paramref name="body"/>; throws <see cref="BidRequestException"/> when
    /// it is malformed. <see cref="BidContext.StartTimestamp"/> and <see cref="BidContext.ReceivedUtc"/>
    /// must be set. On a bid the response is in <see cref="BidContext.Output"/>; on a no-bid
    /// <see cref="BidContext.Reason"/> says why (the caller writes the exchange's no-bid form).
    /// </summary>
    public bool Process(BidContext ctx, in ReadOnlySequence<byte> body, BodyFormat format, Exchange exchange)
    {
        ctx.Reset();
        ctx.Exchange = exchange;
        if (format == BodyFormat.MessagePack)
        {
            BidRequestMessagePackParser.Parse(body, ctx.Request, _limits);
        }
        else
        {
            BidRequestParser.Parse(body, ctx.Request, _limits);
        }

        ctx.Parsed = true;

        // Read once: the whole request is scored by this model, whatever is swapped in meanwhile.
        var model = _models.Current;
        ctx.Model = model;
        if (model is null)
        {
            ctx.SetReason(NoBidReason.NoModel);
            return false;
        }

        // The same for the win-rate model (null: first-price bids at the fixed factor).
        ctx.WinRate = _firstPrice.Current;

        // A fleet bidder bids once it knows what the fleet has spent today (read back at start).
        if (!_budgets.Ready)
        {
            ctx.SetReason(NoBidReason.SpendUnknown);
            return false;
        }

        var request = ctx.Request;
        if (DeadlinePassed(ctx))
        {
            ctx.SetReason(NoBidReason.Deadline);
            return false;
        }

        if (IsKnownCrawler(request.Text(request.Device.Ua)))
        {
            ctx.SetReason(NoBidReason.KnownCrawler);
            return false;
        }

        var currency = NegotiateCurrency(request);
        if (currency is null)
        {
            ctx.SetReason(NoBidReason.CurrencyUnsupported);
            return false;
        }

        ctx.BidCurrency = currency;
        for (var i = 0; i < request.ImpCount; i++)
        {
            BidOnImp(ctx, model, i);
        }

        // Never send a late bid: past the deadline the exchange has moved on.
        if (DeadlinePassed(ctx))
        {
            ctx.ClearBids();
            ctx.SetReason(NoBidReason.Deadline);
            return false;
        }

        if (ctx.BidCount == 0)
        {
            return false;
        }

        // Sent: until their notices come, the bids' prices count against their campaigns' budgets.
        for (var i = 0; i < ctx.BidCount; i++)
        {
            ref readonly var bid = ref ctx.Bids[i];
            _budgets.Reserve(bid.Creative.Campaign, bid.PriceUsd, ctx.ReceivedUtc);
        }

        if (format == BodyFormat.MessagePack)
        {
            _writer.WriteMessagePack(ctx);
        }
        else
        {
            _writer.WriteJson(ctx);
        }

        return true;
    }

    /// <summary>Writes the exchange's no-bid body (for exchanges that want 200 + <c>nbr</c>).</summary>
    public static void WriteNoBid(BidContext ctx, BodyFormat format)
    {
        var nbr = NoBidReasons.OpenRtbCode(ctx.Reason);
        if (format == BodyFormat.MessagePack)
        {
            BidResponseWriter.WriteNoBidMessagePack(ctx, nbr);
        }
        else
        {
            BidResponseWriter.WriteNoBidJson(ctx, nbr);
        }
    }

    private bool DeadlinePassed(BidContext ctx)
    {
        var tmax = ctx.Request.TMax ?? _defaultTMaxMs;
        var budgetMs = tmax - _networkAllowanceMs;
        return budgetMs <= 0 || _time.GetElapsedTime(ctx.StartTimestamp).TotalMilliseconds >= budgetMs;
    }

    /// <summary>USD when the request allows it (or names no currency), else the first listed one we have a rate for.</summary>
    private Currency? NegotiateCurrency(BidRequest request)
    {
        var listed = request.Strings(request.Currencies);
        if (listed.IsEmpty)
        {
            return Currency.Usd;
        }

        Currency? other = null;
        foreach (var code in listed)
        {
            var currency = _currencies.Find(request.Text(code));
            if (ReferenceEquals(currency, Currency.Usd))
            {
                return currency;
            }

            other ??= currency;
        }

        return other;
    }

    private void BidOnImp(BidContext ctx, Models.ServingModel model, int impIndex)
    {
        var request = ctx.Request;
        var imp = request.Imp(impIndex);
        if (!imp.HasBanner)
        {
            ctx.Note(NoBidReason.UnsupportedImp);
            return;
        }

        if (imp.PrivateAuction == 1)
        {
            ctx.Note(NoBidReason.PrivateAuction);
            return;
        }

        var floorCurrency = _currencies.Find(request.Text(imp.BidFloorCur));
        if (floorCurrency is null)
        {
            ctx.Note(NoBidReason.FloorCurrencyUnsupported);
            return;
        }

        if (imp.BidFloor > BidPricing.MaxFloor)
        {
            ctx.Note(NoBidReason.BelowFloor);
            return;
        }

        var count = CollectCandidates(ctx, imp);
        if (count == 0)
        {
            return;
        }

        // The request's fields once per request, then only each further imp's own: shared by the scorer
        // and, for the imp's bid, by its event (written below), so nothing is extracted twice.
        if (ctx.RequestFieldsExtracted)
        {
            OpenRtbFieldExtractor.ExtractImp(request, impIndex, ctx.Values);
        }
        else
        {
            OpenRtbFieldExtractor.ExtractRequest(request, impIndex, ctx.ReceivedUtc, ctx.Exchange.NameUtf8, ctx.Values);
            ctx.RequestFieldsExtracted = true;
        }

        OpenRtbScorer.ScoreExtracted(model.Model, ctx.Values, new AdCandidateSlots(ctx.Candidates.AsSpan(0, count)), ctx.Pctrs);
        _models.Calibrations.Apply(model, ctx.Values, ctx.Pctrs.AsSpan(0, count));

        var floor = ImpFloor.Of((decimal)imp.BidFloor, floorCurrency, ctx.BidCurrency);
        // First price: under the win-rate model when one is loaded and trusts this exchange, else the fixed factor.
        var rule = request.AuctionType == 1 ? BidPricingRule.Fixed : BidPricingRule.Value;
        ShadingPlan plan = default;
        var uniform = 0d;
        if (rule == BidPricingRule.Fixed && ctx.WinRate is { } winRate && _firstPrice.TryPlan(winRate, ctx, imp, (double)floor.Usd, out plan))
        {
            rule = BidPricingRule.Model;
            // One draw per imp: its creatives explore together or not at all, so they are compared alike.
            uniform = Random.Shared.NextDouble();
        }

        var best = -1;
        decimal bestPrice = 0;
        var bestShaded = default(ShadedBid);
        for (var i = 0; i < count; i++)
        {
            var campaign = ctx.CandidateCreatives[i].Campaign;
            var shaded = default(ShadedBid);
            decimal price;
            if (rule == BidPricingRule.Model)
            {
                shaded = _firstPrice.Shader.Shade(plan, ValueCpm(ctx.Pctrs[i], campaign), (double)campaign.MaxCpmUsd, uniform);
                price = shaded.IsBid ? BidPricing.InCurrency((decimal)shaded.Bid, floor, ctx.BidCurrency) : 0;
            }
            else
            {
                price = BidPricing.Price(ctx.Pctrs[i], campaign.ValuePerClickUsd, campaign.MaxCpmUsd, request.AuctionType, _shading, floor, ctx.BidCurrency);
            }

            if (price == 0)
            {
                ctx.Note(NoBidReason.BelowFloor);
                continue;
            }

            // The last of a budget: a price that could cost more than is left is not bid.
            if (ctx.BudgetTight[campaign.Index] && !_budgets.Fits(campaign, price / ctx.BidCurrency.PerUsd, ctx.ReceivedUtc))
            {
                ctx.Note(NoBidReason.BudgetExhausted);
                continue;
            }

            // Under the model the creative expected to leave the most surplus; else the highest price. Ties go
            // to the higher pCTR: the same money for more clicks.
            var better = best < 0
                || (rule == BidPricingRule.Model
                    ? shaded.ExpectedSurplus > bestShaded.ExpectedSurplus || (shaded.ExpectedSurplus == bestShaded.ExpectedSurplus && ctx.Pctrs[i] > ctx.Pctrs[best])
                    : price > bestPrice || (price == bestPrice && ctx.Pctrs[i] > ctx.Pctrs[best]));
            if (better)
            {
                best = i;
                bestPrice = price;
                bestShaded = shaded;
            }
        }

        if (best < 0)
        {
            return;
        }

        var creative = ctx.CandidateCreatives[best];
        var priceUsd = bestPrice / ctx.BidCurrency.PerUsd;
        var fields = default(Range);
        if (_captureEventFields)
        {
            // The event's fields as the scorer saw them, with the chosen creative's own.
            OpenRtbFieldExtractor.ExtractCandidate(creative.Candidate, ctx.Values);
            var start = ctx.EventFields.WrittenCount;
            BidEventWriter.WriteFields(ctx.EventFields, ctx.Values);
            fields = start..ctx.EventFields.WrittenCount;
        }

        var priced = new BidPriced(
            ValueCpm(ctx.Pctrs[best], creative.Campaign),
            (double)floor.Usd,
            rule,
            bestShaded.Explored,
            rule == BidPricingRule.Model ? bestShaded.WinProbability : double.NaN);
        ctx.AddBid(new PlacedBid(_ids.Next(), impIndex, creative, bestPrice, priceUsd, ctx.Pctrs[best], priced, fields));
    }

    /// <summary>A creative's expected value per thousand impressions in US dollars, as a double (the shader's unit).</summary>
    private static double ValueCpm(double pctr, Campaign campaign) => pctr * (double)campaign.ValuePerClickUsd * 1000;

    /// <summary>Fills the context's candidate list with the eligible creatives of the imp's offered sizes.</summary>
    private int CollectCandidates(BidContext ctx, Imp imp)
    {
        var request = ctx.Request;
        var stamp = ctx.NextStamp();
        var count = 0;
        var sized = false;
        if (imp.BannerW > 0 && imp.BannerH > 0)
        {
            count = AddSize(ctx, imp, imp.BannerW.Value, imp.BannerH.Value, stamp, count, ref sized);
        }

        foreach (var format in request.Formats(imp))
        {
            count = AddSize(ctx, imp, format.W, format.H, stamp, count, ref sized);
        }

        if (!sized)
        {
            ctx.Note(NoBidReason.NoMatchingSize);
        }

        return count;
    }

    private int AddSize(BidContext ctx, Imp imp, int width, int height, int stamp, int count, ref bool sized)
    {
        var request = ctx.Request;
        foreach (var creative in _catalog.OfSize(width, height))
        {
            sized = true;
            if (ctx.CreativeStamps[creative.Index] == stamp)
            {
                // The same size offered twice (banner w/h and format): already a candidate.
                continue;
            }

            ctx.CreativeStamps[creative.Index] = stamp;
            if (CreativeBlocked(request, imp, creative))
            {
                ctx.Note(NoBidReason.CreativeBlocked);
                continue;
            }

            var state = CampaignState(ctx, creative.Campaign);
            if (state != NoBidReason.None)
            {
                ctx.Note(state);
                continue;
            }

            ctx.Candidates[count] = creative.Candidate;
            ctx.CandidateCreatives[count] = creative;
            count++;
        }

        return count;
    }

    private static bool CreativeBlocked(BidRequest request, Imp imp, Creative creative)
    {
        var blockedTypes = request.Ints(imp.BlockedTypes);
        if (blockedTypes.Contains(OurBannerType))
        {
            return true;
        }

        var blockedAttributes = request.Ints(imp.BlockedAttributes);
        foreach (var attribute in creative.Attributes)
        {
            if (blockedAttributes.Contains(attribute))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>How a request body is encoded.</summary>
internal enum BodyFormat
{
    Json,
    MessagePack,
}

/// <summary>The engine's settings, taken once from the options; <paramref name="CaptureEventFields"/> when bids are logged (their fields are kept at placement).</summary>
internal sealed record BidEngineSettings(BidRequestLimits Limits, decimal FirstPriceShading, int DefaultTMaxMs, int NetworkAllowanceMs, bool CaptureEventFields = false);
