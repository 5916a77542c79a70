using System.Globalization;
using System.Text;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Core.Events;

namespace ClickPredict.Bidder.Notices;

/// <summary>
/// Loss notices (<c>lurl</c>): signed and checked like a win notice (same fields, its own kind), refused as
/// forged, expired or replayed the same way; a valid one charges nothing and logs a <see cref="LossEvent"/>
/// once, with the exchange's loss reason (<c>${AUCTION_LOSS}</c>) and minimum bid to win
/// (<c>${AUCTION_MIN_TO_WIN}</c>) when it filled them in. A loss for a bid that already had its win or
/// billing notice contradicts it and is refused (409); a win after a loss is still booked (money is real).
/// </summary>
internal sealed partial class NoticeHandler
{
    private const string LossName = "loss";

    /// <summary>Handles <c>/loss</c>; returns the HTTP status and, for a refusal, the error.</summary>
    public NoticeResult Loss(IQueryCollection query)
    {
        if (!TryReadCommon(query, out var bidId, out var creative, out var bidTimeMs, out var problem))
        {
            return Refuse(LossName, "invalid", 400, problem);
        }

        var priceText = query["p"].ToString();
        var currencyText = query["cu"].ToString();
        if (!_signer.Verify(NoticeKind.Loss, bidId, creative!.IdUtf8, bidTimeMs, Encoding.UTF8.GetBytes(priceText), Encoding.UTF8.GetBytes(currencyText), query["s"].ToString()))
        {
            return Refuse(LossName, "forged", 403, "the notice's signature does not match its fields");
        }

        var now = _time.GetUtcNow();
        if (now.ToUnixTimeMilliseconds() - bidTimeMs > _winMaxAgeMs)
        {
            return Refuse(LossName, "expired", 400, "the notice came later than Notices:WinMaxAgeSeconds after the bid");
        }

        var currency = _currencies.Find(currencyText);
        if (currency is null || !decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ourPrice))
        {
            return Refuse(LossName, "invalid", 400, "the notice's price or currency cannot be read");
        }

        if (!TryReadLossReason(query, out var reason, out problem) || !TryReadMinToWin(query, out var minToWin, out problem))
        {
            return Refuse(LossName, "invalid", 400, problem);
        }

        var before = _ledger.Mark(bidId, bidTimeMs, NoticeFlags.Loss);
        if ((before & NoticeFlags.Loss) != 0)
        {
            return Refuse(LossName, "replayed", 409, "this notice was already received");
        }

        if ((before & (NoticeFlags.Win | NoticeFlags.Bill)) != 0)
        {
            return Refuse(LossName, "conflict", 409, "this bid already had a win or billing notice");
        }

        _events.Loss(new LossEvent
        {
            BidId = BidIds.ToString(bidId),
            TimeUnixMs = now.ToUnixTimeMilliseconds(),
            BidTimeUnixMs = bidTimeMs,
            CampaignId = creative.Campaign.Id,
            LossReason = reason,
            MinToWinCpmUsd = minToWin / currency.PerUsd,
            BidPriceCpmUsd = ourPrice / currency.PerUsd,
        });
        _metrics.Notice(LossName, "accepted");
        return NoticeResult.Accepted;
    }

    /// <summary><c>loss</c>: the exchange's loss reason code; null when empty or not substituted.</summary>
    private static bool TryReadLossReason(IQueryCollection query, out int? reason, out string problem)
    {
        reason = null;
        problem = string.Empty;
        var text = Single(query, "loss");
        if (NotFilledIn(text))
        {
            return true;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            problem = "loss must be the loss reason code (${AUCTION_LOSS}), a non-negative integer";
            return false;
        }

        reason = code;
        return true;
    }

    /// <summary>
    /// <c>mtw</c>: the exchange's minimum bid to win (OpenRTB 2.6 <c>${AUCTION_MIN_TO_WIN}</c>), a CPM in our bid's
    /// currency; null when empty or not substituted.
    /// </summary>
    private static bool TryReadMinToWin(IQueryCollection query, out decimal? minToWin, out string problem)
    {
        minToWin = null;
        problem = string.Empty;
        var text = Single(query, "mtw");
        if (NotFilledIn(text))
        {
            return true;
        }

        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            problem = "mtw must be the minimum bid to win (${AUCTION_MIN_TO_WIN}), a non-negative decimal CPM";
            return false;
        }

        minToWin = value;
        return true;
    }

    // An exchange that does not know a macro leaves it empty or, some of them, as it was.
    private static bool NotFilledIn(string text) => text.Length == 0 || text.StartsWith("${", StringComparison.Ordinal);
}
