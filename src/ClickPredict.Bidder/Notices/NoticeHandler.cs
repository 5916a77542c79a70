using System.Globalization;
using System.Text;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Status;
using ClickPredict.Core.Events;

namespace ClickPredict.Bidder.Notices;

/// <summary>
/// Win (<c>nurl</c>), billing (<c>burl</c>), loss (<c>lurl</c>, <c>NoticeHandler.Loss.cs</c>) and click notices. Each URL we issued carries the bid id,
/// creative, bid time and a signature (<see cref="NoticeSigner"/>); a notice whose signature does not
/// match is refused as forged (403), one past its maximum age as expired, a repeat as replayed
/// (409), and each refusal is counted. The first valid win or billing notice of a bid logs the
/// impression and charges the campaign the clearing price; the first valid click logs the click;
/// a click always lands on the creative's configured page (302), never on a URL from the request.
/// </summary>
internal sealed partial class NoticeHandler
{
    private readonly CampaignCatalog _catalog;
    private readonly BudgetLedger _budgets;
    private readonly NoticeLedger _ledger;
    private readonly NoticeSigner _signer;
    private readonly CurrencyTable _currencies;
    private readonly EventLog _events;
    private readonly BidderMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<NoticeHandler> _logger;
    private readonly LiveStatus _status;
    private readonly long _winMaxAgeMs;
    private readonly long _clickMaxAgeMs;

    public NoticeHandler(
        CampaignCatalog catalog,
        BudgetLedger budgets,
        NoticeLedger ledger,
        NoticeSigner signer,
        CurrencyTable currencies,
        EventLog events,
        BidderMetrics metrics,
        TimeProvider time,
        ILogger<NoticeHandler> logger,
        LiveStatus status,
        int winMaxAgeSeconds,
        int clickMaxAgeSeconds)
    {
        _status = status;
        _catalog = catalog;
        _budgets = budgets;
        _ledger = ledger;
        _signer = signer;
        _currencies = currencies;
        _events = events;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _winMaxAgeMs = winMaxAgeSeconds * 1000L;
        _clickMaxAgeMs = clickMaxAgeSeconds * 1000L;
    }

    /// <summary>Handles <c>/win</c> or <c>/bill</c>; returns the HTTP status and, for a refusal, the error.</summary>
    public NoticeResult Impression(NoticeKind kind, IQueryCollection query)
    {
        var name = kind == NoticeKind.Win ? "win" : "bill";
        if (!TryReadCommon(query, out var bidId, out var creative, out var bidTimeMs, out var problem))
        {
            return Refuse(name, "invalid", 400, problem);
        }

        var priceText = query["p"].ToString();
        var currencyText = query["cu"].ToString();
        if (!_signer.Verify(kind, bidId, creative!.IdUtf8, bidTimeMs, Encoding.UTF8.GetBytes(priceText), Encoding.UTF8.GetBytes(currencyText), query["s"].ToString()))
        {
            return Refuse(name, "forged", 403, "the notice's signature does not match its fields");
        }

        var now = _time.GetUtcNow();
        if (now.ToUnixTimeMilliseconds() - bidTimeMs > _winMaxAgeMs)
        {
            return Refuse(name, "expired", 400, "the notice came later than Notices:WinMaxAgeSeconds after the bid");
        }

        // Signed fields are ours; the clearing price is the exchange's and must make sense against them.
        var currency = _currencies.Find(currencyText);
        if (currency is null || !decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ourPrice))
        {
            return Refuse(name, "invalid", 400, "the notice's price or currency cannot be read");
        }

        var clearing = query["price"].ToString();
        if (!decimal.TryParse(clearing, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var clearingPrice))
        {
            return Refuse(name, "invalid", 400, clearing.Contains("${", StringComparison.Ordinal)
                ? "the exchange did not substitute ${AUCTION_PRICE}"
                : "price must be the clearing price, a non-negative decimal CPM");
        }

        if (clearingPrice > ourPrice)
        {
            return Refuse(name, "invalid", 400, FormattableString.Invariant($"the clearing price {clearingPrice} is above our bid {ourPrice}"));
        }

        // Optional (OpenRTB 2.6): a malformed one is treated as not reported, never a reason to lose the impression.
        TryReadMinToWin(query, out var minToWin, out _);

        var flag = kind == NoticeKind.Win ? NoticeFlags.Win : NoticeFlags.Bill;
        var before = _ledger.Mark(bidId, bidTimeMs, flag);
        if ((before & flag) != 0)
        {
            return Refuse(name, "replayed", 409, "this notice was already received");
        }

        if ((before & (NoticeFlags.Win | NoticeFlags.Bill)) != 0)
        {
            // The other notice of the pair already logged and charged this impression.
            _metrics.Notice(name, "duplicate");
            return NoticeResult.Accepted;
        }

        // Booked (pending, in a fleet) before its event is produced, so reading the event back settles it.
        var spendUsd = clearingPrice / currency.PerUsd / 1000m;
        var bidPriceUsd = ourPrice / currency.PerUsd;
        if (!_budgets.Charge(creative.Campaign, bidId, spendUsd, now, bidPriceUsd, bidTimeMs))
        {
            // Another bidder took this bid's notice first and its impression has been read back: charged once.
            _metrics.Notice(name, "duplicate");
            return NoticeResult.Accepted;
        }

        _metrics.Spend(creative.Campaign.Id, (double)spendUsd);
        _events.Impression(new ImpressionEvent
        {
            BidId = BidIds.ToString(bidId),
            TimeUnixMs = now.ToUnixTimeMilliseconds(),
            ClearingPriceCpm = clearingPrice,
            Currency = currency.Code,
            CampaignId = creative.Campaign.Id,
            BidTimeUnixMs = bidTimeMs,
            SpendUsd = spendUsd,
            BidPriceCpmUsd = bidPriceUsd,
            MinToWinCpmUsd = minToWin / currency.PerUsd,
            Notice = kind == NoticeKind.Win ? ImpressionEvent.WinNotice : ImpressionEvent.BillingNotice,
        });
        _status.Win(bidId);
        _metrics.Notice(name, "accepted");
        return NoticeResult.Accepted;
    }

    /// <summary>Handles <c>/click</c>: on success the result carries the landing page to redirect to.</summary>
    public NoticeResult Click(IQueryCollection query)
    {
        if (!TryReadCommon(query, out var bidId, out var creative, out var bidTimeMs, out var problem))
        {
            return Refuse("click", "invalid", 400, problem);
        }

        if (!_signer.Verify(NoticeKind.Click, bidId, creative!.IdUtf8, bidTimeMs, default, default, query["s"].ToString()))
        {
            return Refuse("click", "forged", 403, "the click's signature does not match its fields");
        }

        var now = _time.GetUtcNow();
        var expired = now.ToUnixTimeMilliseconds() - bidTimeMs > _clickMaxAgeMs;
        if (expired)
        {
            // Still a real user on a real ad of ours: send them on, but too late to learn from.
            _metrics.Notice("click", "expired");
            return NoticeResult.Redirect(creative.LandingPage);
        }

        var before = _ledger.Mark(bidId, bidTimeMs, NoticeFlags.Click);
        if ((before & NoticeFlags.Click) != 0)
        {
            // A double click is not a second click: not logged again; the user still lands.
            _metrics.Notice("click", "replayed");
            return NoticeResult.Redirect(creative.LandingPage);
        }

        _events.Click(new ClickEvent { BidId = BidIds.ToString(bidId), TimeUnixMs = now.ToUnixTimeMilliseconds() });
        _status.Click(bidId);
        _metrics.Notice("click", "accepted");
        return NoticeResult.Redirect(creative.LandingPage);
    }

    private bool TryReadCommon(IQueryCollection query, out UInt128 bidId, out Creative? creative, out long bidTimeMs, out string problem)
    {
        bidId = default;
        creative = null;
        bidTimeMs = 0;
        if (!BidIds.TryParse(Single(query, "b"), out bidId))
        {
            problem = "b must be a bid id (32 hex digits)";
            return false;
        }

        if (!_catalog.CreativesById.TryGetValue(Single(query, "cr"), out creative))
        {
            problem = "cr must name one of our creatives";
            return false;
        }

        if (!long.TryParse(Single(query, "t"), NumberStyles.None, CultureInfo.InvariantCulture, out bidTimeMs))
        {
            problem = "t must be the bid time (Unix milliseconds)";
            return false;
        }

        if (Single(query, "s").Length != NoticeSigner.SignatureChars)
        {
            problem = "s must be the notice's signature";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>A parameter given once; empty when missing or repeated (a repeat is not ours).</summary>
    private static string Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count == 1 ? values[0] ?? string.Empty : string.Empty;
    }

    private NoticeResult Refuse(string kind, string outcome, int status, string message)
    {
        _metrics.Notice(kind, outcome);
        Log.NoticeRefused(_logger, kind, outcome, message);
        var error = outcome switch
        {
            "forged" => "forged_notice",
            "replayed" => "replayed_notice",
            "expired" => "expired_notice",
            "conflict" => "conflicting_notice",
            _ => "invalid_notice",
        };
        return new NoticeResult(status, error, message, null);
    }
}

/// <summary>What a notice endpoint answers: a status, an error (code and message) or a redirect target.</summary>
internal sealed record NoticeResult(int Status, string? Error, string? Message, string? Location)
{
    public static NoticeResult Accepted { get; } = new(204, null, null, null);

    public static NoticeResult Redirect(string location) => new(302, null, null, location);
}
