using ClickPredict.Core.Events;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Shading;

namespace ClickPredict.Trainer.WinRate;

/// <summary>
/// Joins first-price bids with their outcomes by bid id and teaches each one to the <see cref="Learner"/>: a
/// win (impression event, with the exchange's minimum bid to win when it reported one), a loss notice (its
/// minimum bid to win likewise; a loss whose reason says nothing about the price to beat, other than 102 or
/// none, is dropped), or no notice within the wait (a censored loss at the bid). Each bid is learned once:
/// a second notice for it (a duplicate event, a loss after a win) is counted and dropped. Notices may come
/// before their bid (topics are read side by side) and wait for it as long. Second-price bids and events
/// written before the bidder logged pricing are not for this model. Time is event time (<see cref="ClockMs"/>),
/// moved on by the events and, when the input is idle, by the caller. Before each outcome is learned it is
/// scored by the learner and by the serving <see cref="Champion"/>: the gate's figures for the window.
/// </summary>
internal sealed class WinRateJoin
{
    private readonly Dictionary<string, PendingBid> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Outcome> _early = new(StringComparer.Ordinal);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private readonly Queue<(string BidId, long AtMs)> _pendingOrder = new();
    private readonly Queue<(string BidId, long AtMs)> _earlyOrder = new();
    private readonly Queue<(string BidId, long AtMs)> _doneOrder = new();
    private readonly long _waitMs;

    public WinRateJoin(WinRateLearner learner, double winWaitSeconds)
    {
        ArgumentNullException.ThrowIfNull(learner);
        Learner = learner;
        _waitMs = (long)(winWaitSeconds * 1000);
    }

    /// <summary>Where outcomes are learned; replaced when the trainer resumes from another champion.</summary>
    public WinRateLearner Learner { get; set; }

    /// <summary>The model the bidders serve (null before the first is published): the gate's baseline.</summary>
    public WinRateModel? Champion { get; set; }

    /// <summary>Event time (Unix milliseconds): the latest seen, or moved on by <see cref="Advance"/>.</summary>
    public long ClockMs { get; private set; }

    public long Wins { get; private set; }

    /// <summary>Losses from loss notices.</summary>
    public long Losses { get; private set; }

    /// <summary>Bids with no notice within the wait, learned as losses.</summary>
    public long Censored { get; private set; }

    /// <summary>Outcomes that carried the exchange's minimum bid to win.</summary>
    public long MinToWinReports { get; private set; }

    /// <summary>Outcomes not learned: a loss reason other than 102, a bid whose price in dollars is unknown.</summary>
    public long Skipped { get; private set; }

    /// <summary>Second notices for a bid already learned (dropped).</summary>
    public long Duplicates { get; private set; }

    /// <summary>First-price bids waiting for their outcome.</summary>
    public int Pending => _pending.Count;

    /// <summary>Outcomes learned since <see cref="ResetWindow"/>, and the log loss of P(win) of the learner and of the champion on them.</summary>
    public (long Count, double LearnerLogLoss, double ChampionLogLoss) Window =>
        (_windowCount, _windowCount > 0 ? _learnerLoss / _windowCount : double.NaN, _windowCount > 0 && Champion is not null ? _championLoss / _windowCount : double.NaN);

    private long _windowCount;
    private double _learnerLoss;
    private double _championLoss;

    public void ResetWindow() => (_windowCount, _learnerLoss, _championLoss) = (0, 0, 0);

    public void Bid(BidEvent bid)
    {
        ArgumentNullException.ThrowIfNull(bid);
        Tick(bid.TimeUnixMs);
        if (bid.AuctionType != 1 || bid.Pricing is null || string.IsNullOrEmpty(bid.Exchange) || _done.Contains(bid.BidId) || _pending.ContainsKey(bid.BidId))
        {
            return;
        }

        uint key;
        try
        {
            key = Learner.Track(bid.Exchange);
        }
        catch (ArgumentException)
        {
            // Two exchange names with one key: the second is not learned (the learner's message names both).
            Skipped++;
            return;
        }

        // Our price in dollars; another currency's comes from the outcome's event (which converted it).
        var price = string.Equals(bid.Currency, "USD", StringComparison.Ordinal) ? (double)bid.PriceCpm : double.NaN;
        var pending = new PendingBid(bid.BidId, ShadingContexts.FromBidEvent(bid, key), price, bid.TimeUnixMs);
        if (_early.Remove(bid.BidId, out var outcome))
        {
            Resolve(pending, outcome);
            return;
        }

        _pending[bid.BidId] = pending;
        _pendingOrder.Enqueue((bid.BidId, bid.TimeUnixMs));
    }

    public void Won(ImpressionEvent impression)
    {
        ArgumentNullException.ThrowIfNull(impression);
        Notice(impression.BidId, new Outcome(true, true, impression.MinToWinCpmUsd, impression.BidPriceCpmUsd), impression.TimeUnixMs);
    }

    public void Lost(LossEvent loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Notice(loss.BidId, new Outcome(false, loss.IsPriceLoss, loss.MinToWinCpmUsd, loss.BidPriceCpmUsd), loss.TimeUnixMs);
    }

    /// <summary>Moves the clock on to <paramref name="nowMs"/> (when it is later): bids past the wait are learned as censored losses.</summary>
    public void Advance(long nowMs) => Tick(nowMs);

    private void Notice(string bidId, Outcome outcome, long timeMs)
    {
        Tick(timeMs);
        if (_done.Contains(bidId) || _early.ContainsKey(bidId))
        {
            Duplicates++;
            return;
        }

        if (_pending.Remove(bidId, out var bid))
        {
            Resolve(bid, outcome);
            return;
        }

        // Before its bid (or of a bid that is not first price: it expires unread).
        _early[bidId] = outcome;
        _earlyOrder.Enqueue((bidId, Math.Max(timeMs, ClockMs)));
    }

    private void Resolve(in PendingBid bid, Outcome outcome)
    {
        Finish(bid.BidId);
        var price = double.IsFinite(bid.PriceUsd) ? bid.PriceUsd : (double)outcome.BidPriceUsd;
        if (!outcome.SaysWhereThePriceWas || !(price > 0))
        {
            Skipped++;
            return;
        }

        var minToWin = outcome.MinToWinUsd is { } reported && reported > 0 ? (double)reported : double.NaN;
        Learn(bid.Context, price, outcome.Won, minToWin);
        if (outcome.Won)
        {
            Wins++;
        }
        else
        {
            Losses++;
        }

        MinToWinReports += double.IsNaN(minToWin) ? 0 : 1;
    }

    private void Learn(in ShadingContext context, double price, bool won, double minToWin)
    {
        _learnerLoss += BinaryMetrics.LogLoss(Learner.Curve(context).WinProbability(price), won);
        if (Champion is not null)
        {
            _championLoss += BinaryMetrics.LogLoss(Champion.Curve(context).WinProbability(price), won);
        }

        _windowCount++;
        Learner.Observe(context, price, won, minToWin);
    }

    private void Finish(string bidId)
    {
        if (_done.Add(bidId))
        {
            _doneOrder.Enqueue((bidId, ClockMs));
        }
    }

    private void Tick(long timeMs)
    {
        if (timeMs > ClockMs)
        {
            ClockMs = timeMs;
        }

        var due = ClockMs - _waitMs;
        while (_pendingOrder.TryPeek(out var next) && next.AtMs <= due)
        {
            _pendingOrder.Dequeue();
            if (_pending.Remove(next.BidId, out var bid))
            {
                Finish(bid.BidId);
                if (double.IsFinite(bid.PriceUsd) && bid.PriceUsd > 0)
                {
                    Learn(bid.Context, bid.PriceUsd, false, double.NaN);
                    Censored++;
                }
                else
                {
                    Skipped++;
                }
            }
        }

        while (_earlyOrder.TryPeek(out var next) && next.AtMs <= due)
        {
            _earlyOrder.Dequeue();
            _early.Remove(next.BidId);
        }

        // A finished bid is remembered for twice the wait, past which no notice of it is taken anyway.
        while (_doneOrder.TryPeek(out var next) && next.AtMs <= due - _waitMs)
        {
            _doneOrder.Dequeue();
            _done.Remove(next.BidId);
        }
    }

    private readonly record struct PendingBid(string BidId, ShadingContext Context, double PriceUsd, long TimeMs);

    private readonly record struct Outcome(bool Won, bool SaysWhereThePriceWas, decimal? MinToWinUsd, decimal BidPriceUsd);
}
