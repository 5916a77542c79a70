using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Notices;
using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Status;
using ClickPredict.Core.Events;
using ClickPredict.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Fleet;

/// <summary>
/// Reads the fleet's impressions topic back into this bidder's <see cref="BudgetLedger"/> and
/// <see cref="NoticeLedger"/>: every partition from the first event of the current UTC day less
/// <c>Notices:WinMaxAgeSeconds</c> (a notice for a bid made then could still come, and must be refused as a
/// replay), then every new event as it arrives. Once it has read up to where each partition stood when it
/// started, the ledger is caught up and the bidder bids. Kafka unreachable at start: the bidder waits
/// (no bids, <c>/readyz</c> unready) or, with <c>Fleet:StartWithoutKafka</c>, bids on its own spend and
/// catches up when Kafka answers. One consumer on a thread of its own; no consumer group (every bidder
/// reads every partition).
/// </summary>
internal sealed class SpendReader : BackgroundService
{
    /// <summary>How often charged bid ids past the replay window are forgotten.</summary>
    private static readonly TimeSpan s_pruneEvery = TimeSpan.FromMinutes(1);

    /// <summary>Kept past <c>Notices:WinMaxAgeSeconds</c>, for events read back late.</summary>
    private const long ReplayWindowSlackMs = 10 * 60 * 1000;

    private readonly BudgetLedger _budgets;
    private readonly NoticeLedger _notices;
    private readonly CampaignCatalog _catalog;
    private readonly CurrencyTable _currencies;
    private readonly KafkaClientFactory _clients;
    private readonly BidderMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SpendReader> _logger;
    private readonly FleetOptions _options;
    private readonly string _topic;
    private readonly long _winMaxAgeMs;
    private readonly LatencyHistogram _lag = new();
    private long _read;
    private long _maxLagMs;
    private volatile bool _live;

    public SpendReader(
        BudgetLedger budgets,
        NoticeLedger notices,
        CampaignCatalog catalog,
        CurrencyTable currencies,
        KafkaClientFactory clients,
        BidderMetrics metrics,
        TimeProvider time,
        IOptions<FleetOptions> options,
        IOptions<NoticeOptions> noticeOptions,
        ILogger<SpendReader> logger)
    {
        _budgets = budgets;
        _notices = notices;
        _catalog = catalog;
        _currencies = currencies;
        _clients = clients;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _topic = clients.Options.Topics.Impressions;
        _winMaxAgeMs = noticeOptions.Value.WinMaxAgeSeconds * 1000L;
    }

    /// <summary>Impression events read back since start.</summary>
    public long EventsRead => Interlocked.Read(ref _read);

    /// <summary>
    /// Time from a notice being accepted (by any bidder) to its event being read back here, milliseconds, over
    /// the events read since the start-up read-back caught up: the median, the 99th percentile (each the upper
    /// edge of its 25%-wide bin) and the largest; null before any.
    /// </summary>
    public (double P50, double P99, double Max)? LagMs => double.IsNaN(_lag.Quantile(0.5))
        ? null
        : (_lag.Quantile(0.5) * 1000, _lag.Quantile(0.99) * 1000, Interlocked.Read(ref _maxLagMs));

    /// <summary>With <c>Fleet:Enabled</c> false there is nothing to read: spend stays this process's own.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _budgets.State == FleetState.Local
        ? Task.CompletedTask
        : Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stopping)
    {
        var config = _clients.CreateReaderConfig("clickpredict-bidder-spend", _options.FetchWaitMs);
        using var consumer = KafkaClientFactory.BuildConsumer<Ignore, byte[]>(config, _logger, b => b.SetErrorHandler(KafkaClientFactory.LogErrors<IConsumer<Ignore, byte[]>>(_logger)));
        try
        {
            var start = Connect(consumer, stopping);
            if (start is null)
            {
                return;
            }

            consumer.Assign(start.Offsets);
            Follow(consumer, start, stopping);
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>Where each partition starts and where it stood; tried until Kafka answers or the host stops.</summary>
    private ReadStart? Connect(IConsumer<Ignore, byte[]> consumer, CancellationToken stopping)
    {
        var timeout = TimeSpan.FromMilliseconds(_options.ConnectTimeoutMs);
        var attempts = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                return ReadStart.Find(consumer, _topic, StartOfReadBack(), timeout, _clients.SupportsTimeLookups);
            }
            catch (KafkaException e)
            {
                attempts++;
                if (attempts == 1)
                {
                    if (_options.StartWithoutKafka)
                    {
                        _budgets.StartDegraded();
                        Log.FleetDegraded(_logger, _topic, e.Error.Reason);
                    }
                    else
                    {
                        Log.FleetWaiting(_logger, _topic, e.Error.Reason);
                    }
                }
                else if (attempts % 12 == 0)
                {
                    Log.FleetStillUnreachable(_logger, _topic, attempts, e.Error.Reason);
                }
            }

            // Production wall time between attempts: librdkafka's own calls above already waited the timeout.
            stopping.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }

        return null;
    }

    private void Follow(IConsumer<Ignore, byte[]> consumer, ReadStart start, CancellationToken stopping)
    {
        var began = _time.GetTimestamp();
        var next = start.StartOffsets();
        var caughtUp = false;
        var lastPrune = _time.GetTimestamp();
        while (!stopping.IsCancellationRequested)
        {
            ConsumeResult<Ignore, byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e)
            {
                Log.FleetReadFailed(_logger, e.Error.Code, e.Error.Reason);
                if (e.Error.IsFatal)
                {
                    return;
                }

                continue;
            }

            if (result is { IsPartitionEOF: false, Message: not null })
            {
                Apply(result.Message.Value);
                next[result.Partition.Value] = result.Offset.Value + 1;
            }

            _budgets.Tick();
            if (!caughtUp && start.Reached(next))
            {
                caughtUp = true;
                _live = true;
                var recovered = _budgets.State == FleetState.Degraded;
                _budgets.CaughtUp();
                _budgets.Recovered();
                Log.FleetCaughtUp(_logger, _topic, EventsRead, start.Offsets.Count, (long)_time.GetElapsedTime(began).TotalMilliseconds, recovered ? " (was bidding on its own spend until now)" : string.Empty);
            }

            if (_time.GetElapsedTime(lastPrune) >= s_pruneEvery)
            {
                lastPrune = _time.GetTimestamp();
                var lost = _budgets.Prune(_winMaxAgeMs + ReplayWindowSlackMs);
                if (lost > 0)
                {
                    Log.FleetPendingLost(_logger, lost);
                }
            }
        }
    }

    /// <summary>Books one impression event; a malformed one is counted and skipped (it cannot be charged).</summary>
    private void Apply(byte[]? value)
    {
        Interlocked.Increment(ref _read);
        ImpressionEvent impression;
        try
        {
            impression = EventSerializer.Deserialize<ImpressionEvent>(value ?? []);
        }
        catch (EventFormatException)
        {
            _metrics.FleetReadBack("malformed", null);
            return;
        }

        if (!BidIds.TryParse(impression.BidId, out var bidId))
        {
            _metrics.FleetReadBack("malformed", null);
            return;
        }

        _catalog.CampaignsById.TryGetValue(impression.CampaignId, out var campaign);
        var bidTimeMs = impression.BidTimeUnixMs > 0 ? impression.BidTimeUnixMs : impression.TimeUnixMs;
        var outcome = _budgets.ReadBack(bidId, campaign, SpendUsd(impression), impression.TimeUnixMs, bidTimeMs, impression.BidPriceCpmUsd);
        var flag = impression.Notice == ImpressionEvent.BillingNotice ? NoticeFlags.Bill : NoticeFlags.Win;
        _notices.Mark(bidId, bidTimeMs, flag);
        // The lag of events read at start-up is the bidder's downtime, not the fleet's: only live reads count.
        double? lagSeconds = null;
        if (_live)
        {
            var lagMs = Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - impression.TimeUnixMs);
            lagSeconds = lagMs / 1000.0;
            _lag.Record(lagSeconds.Value);
            _budgets.ReadBackLag(lagMs);
            var max = Interlocked.Read(ref _maxLagMs);
            while (lagMs > max && Interlocked.CompareExchange(ref _maxLagMs, lagMs, max) != max)
            {
                max = Interlocked.Read(ref _maxLagMs);
            }
        }

        _metrics.FleetReadBack(OutcomeName(outcome), lagSeconds);
    }

    /// <summary>The event's own USD spend; events from before it was written convert the clearing price at this bidder's rate.</summary>
    private decimal SpendUsd(ImpressionEvent impression)
    {
        if (impression.SpendUsd > 0)
        {
            return impression.SpendUsd;
        }

        var currency = _currencies.Find(impression.Currency ?? "USD");
        return currency is null ? 0 : impression.ClearingPriceCpm / currency.PerUsd / 1000m;
    }

    /// <summary>The start of the current UTC day less the replay window, Unix milliseconds.</summary>
    private long StartOfReadBack()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        return (now - (now % 86_400_000)) - _winMaxAgeMs;
    }

    private static string OutcomeName(ReadBackOutcome outcome) => outcome switch
    {
        ReadBackOutcome.Charged => "charged",
        ReadBackOutcome.Duplicate => "duplicate",
        ReadBackOutcome.OtherDay => "other_day",
        _ => "unknown_campaign",
    };
}
