using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace ClickPredict.Bidder.Diagnostics;

/// <summary>
/// The bidder's instruments (meter <c>ClickPredict.Bidder</c>), exported at <c>/metrics</c>. Every
/// record checks <c>Enabled</c> first and tags in a method of its own, so a process nobody listens
/// to pays nothing; tag values are static strings, so recording allocates nothing.
/// </summary>
internal sealed class BidderMetrics
{
    public const string MeterName = "ClickPredict.Bidder";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _bids;
    private readonly Counter<long> _noBids;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _pctr;
    private readonly Counter<double> _spend;
    private readonly Counter<long> _notices;
    private readonly Counter<long> _modelSwaps;
    private readonly Counter<long> _modelRefusals;
    private readonly Counter<long> _events;
    private readonly Counter<long> _fleetEvents;
    private readonly Histogram<double> _fleetLag;

    public BidderMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _requests = Meter.CreateCounter<long>("clickpredict.bidder.requests", "{request}", "Bid requests handled, by body format and outcome (bid, nobid, refused).");
        _bids = Meter.CreateCounter<long>("clickpredict.bidder.bids", "{bid}", "Bids placed (one per imp bid on).");
        _noBids = Meter.CreateCounter<long>("clickpredict.bidder.nobids", "{request}", "No-bid answers, by reason.");
        _refused = Meter.CreateCounter<long>("clickpredict.bidder.refused", "{request}", "Requests refused with 4xx, by error code.");
        _duration = Meter.CreateHistogram(
            "clickpredict.bidder.request.duration",
            "s",
            "Time from the bid handler's start to its response being written.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1] });
        _pctr = Meter.CreateHistogram(
            "clickpredict.bidder.bid.pctr",
            "1",
            "The predicted click-through rate each bid was priced from (sum / count = mean pCTR).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25] });
        _spend = Meter.CreateCounter<double>("clickpredict.bidder.spend_usd", "{USD}", "Spend booked from win notices (clearing prices), by campaign.");
        _notices = Meter.CreateCounter<long>("clickpredict.bidder.notices", "{notice}", "Win, billing and click notices, by kind and outcome (accepted, duplicate, invalid, forged, expired, replayed).");
        _modelSwaps = Meter.CreateCounter<long>("clickpredict.bidder.model.swaps", "{swap}", "Models put into service, by trigger (start, publish, rollback).");
        _modelRefusals = Meter.CreateCounter<long>("clickpredict.bidder.model.refused", "{model}", "Models refused by validation (the previous one kept serving).");
        _events = Meter.CreateCounter<long>("clickpredict.bidder.events", "{event}", "Events handed to the event log, by topic and outcome (queued, dropped).");
        _fleetEvents = Meter.CreateCounter<long>("clickpredict.bidder.fleet.impressions", "{event}", "Impression events read back from the fleet's topic, by outcome (charged, duplicate, other_day, unknown_campaign, malformed).");
        _fleetLag = Meter.CreateHistogram(
            "clickpredict.bidder.fleet.lag",
            "s",
            "Time from a notice being accepted (by any bidder) to its impression event being read back here.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 60] });
    }

    public Meter Meter { get; }

    public void Request(string format, string outcome, double seconds)
    {
        if (_requests.Enabled)
        {
            RecordRequest(format, outcome);
        }

        if (_duration.Enabled)
        {
            _duration.Record(seconds);
        }
    }

    public void Bid(double pctr)
    {
        if (_bids.Enabled)
        {
            _bids.Add(1);
        }

        // Its sum and count give the mean pCTR over any window (no running mean of our own to keep in step).
        if (_pctr.Enabled)
        {
            _pctr.Record(pctr);
        }
    }

    public void NoBid(string reason)
    {
        if (_noBids.Enabled)
        {
            RecordNoBid(reason);
        }
    }

    public void Refused(string code)
    {
        if (_refused.Enabled)
        {
            RecordRefused(code);
        }
    }

    public void Spend(string campaignId, double usd)
    {
        if (_spend.Enabled)
        {
            RecordSpend(campaignId, usd);
        }
    }

    public void Notice(string kind, string outcome)
    {
        if (_notices.Enabled)
        {
            RecordNotice(kind, outcome);
        }
    }

    public void ModelSwapped(string trigger)
    {
        if (_modelSwaps.Enabled)
        {
            RecordSwap(trigger);
        }
    }

    public void ModelRefused()
    {
        if (_modelRefusals.Enabled)
        {
            _modelRefusals.Add(1);
        }
    }

    /// <summary><paramref name="count"/> events of <paramref name="topic"/> handed to Kafka (queued) or dropped.</summary>
    public void Events(string topic, bool queued, int count)
    {
        if (_events.Enabled)
        {
            RecordEvents(topic, queued ? "queued" : "dropped", count);
        }
    }

    /// <summary>An impression event read back; <paramref name="lagSeconds"/> since its notice was accepted, when it could be read.</summary>
    public void FleetReadBack(string outcome, double? lagSeconds)
    {
        if (_fleetEvents.Enabled)
        {
            RecordFleetEvent(outcome);
        }

        if (lagSeconds is { } lag && _fleetLag.Enabled)
        {
            _fleetLag.Record(Math.Max(0, lag));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordFleetEvent(string outcome) => _fleetEvents.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordRequest(string format, string outcome) =>
        _requests.Add(1, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("outcome", outcome));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordNoBid(string reason) => _noBids.Add(1, new KeyValuePair<string, object?>("reason", reason));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordRefused(string code) => _refused.Add(1, new KeyValuePair<string, object?>("code", code));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordSpend(string campaignId, double usd) => _spend.Add(usd, new KeyValuePair<string, object?>("campaign", campaignId));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordNotice(string kind, string outcome) =>
        _notices.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordSwap(string trigger) => _modelSwaps.Add(1, new KeyValuePair<string, object?>("trigger", trigger));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordEvents(string topic, string outcome, int count) =>
        _events.Add(count, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("outcome", outcome));
}
