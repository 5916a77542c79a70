using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Core.Events;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// Logs bids, impressions, losses and clicks as MessagePack event contracts, keyed by bid id, through the
/// configured <see cref="IEventTransport"/>. Never blocks and never fails the caller: a dropped event
/// is counted (<c>clickpredict.bidder.events{outcome="dropped"}</c>). Without a transport logging is off.
/// </summary>
/// <remarks>
/// A bid's event is written on the bid path into its thread's <see cref="EventRing"/> (no lock, no
/// allocation: its fields were kept when the bid was placed); every <c>Bidder:EventFlushMs</c> a timer
/// drains the rings into per-partition batches (<see cref="BidEventBatcher"/>) and hands them to the
/// transport, off the bid path. So a bid event reaches Kafka at most that long after its bid. A ring
/// that is full (the drain far behind) refuses the event, which counts as dropped. Impressions,
/// losses and clicks, a notice each, are published at once.
/// </remarks>
internal sealed class EventLog : IDisposable
{
    private readonly IEventTransport? _transport;
    private readonly BidderMetrics _metrics;
    private readonly EventRings? _rings;
    private readonly BidEventBatcher? _batcher;
    private readonly ITimer? _timer;
    private readonly Lock _drain = new();
    private bool _disposed;

    public EventLog(IEventTransport? transport, BidderMetrics metrics, TimeProvider time, EventLogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(settings);
        _transport = transport;
        _metrics = metrics;
        if (transport is not null)
        {
            _rings = new EventRings(settings.RingBytes);
            _batcher = new BidEventBatcher(transport, metrics, settings.BatchMaxBytes);
            var interval = TimeSpan.FromMilliseconds(settings.FlushIntervalMs);
            _timer = time.CreateTimer(static state => ((EventLog)state!).Drain(wait: false), this, interval, interval);
        }
    }

    public bool Enabled => _transport is not null;

    public string Description => _transport?.Description ?? "off";

    /// <summary>Logs each bid of the response (the context still holds the request and its bids' fields).</summary>
    public void Bids(BidContext ctx)
    {
        if (_rings is null || ctx.Model is null)
        {
            return;
        }

        var ring = _rings.Current;
        var buffer = ctx.EventBuffer;
        for (var i = 0; i < ctx.BidCount; i++)
        {
            buffer.ResetWrittenCount();
            BidEventWriter.Write(buffer, ctx, ctx.Bids[i]);
            if (!ring.TryWrite(buffer.WrittenSpan))
            {
                _metrics.Events("bids", queued: false, 1);
            }
        }
    }

    public void Impression(ImpressionEvent impression)
    {
        if (_transport is not null)
        {
            Publish(EventTopic.Impressions, impression.BidId, EventSerializer.Serialize(impression));
        }
    }

    public void Click(ClickEvent click)
    {
        if (_transport is not null)
        {
            Publish(EventTopic.Clicks, click.BidId, EventSerializer.Serialize(click));
        }
    }

    public void Loss(LossEvent loss)
    {
        if (_transport is not null)
        {
            Publish(EventTopic.Losses, loss.BidId, EventSerializer.Serialize(loss));
        }
    }

    /// <summary>Hands every bid event logged so far to the transport now (tests; the timer does it otherwise).</summary>
    public void Flush() => Drain(wait: true);

    /// <summary>Stops the timer and hands over what is left (the transport is disposed after this).</summary>
    public void Dispose()
    {
        _timer?.Dispose();
        lock (_drain)
        {
            DrainRings();
            _disposed = true;
        }

        _rings?.Dispose();
    }

    private void Drain(bool wait)
    {
        // One drain at a time; a timer tick that finds one running leaves the work to it.
        if (wait)
        {
            _drain.Enter();
        }
        else if (!_drain.TryEnter())
        {
            return;
        }

        try
        {
            DrainRings();
        }
        finally
        {
            _drain.Exit();
        }
    }

    private void DrainRings()
    {
        if (_disposed || _rings is null || _batcher is null)
        {
            return;
        }

        _batcher.Begin();
        foreach (var ring in _rings.All)
        {
            while (ring.TryRead(out var record))
            {
                try
                {
                    _batcher.Add(record);
                }
                catch (InvalidOperationException)
                {
                    // Not an event as BidEventWriter writes them (a bug): counted, never a crashed timer.
                    _metrics.Events("bids", queued: false, 1);
                }
            }

            ring.Release();
        }

        _batcher.Flush();
        _rings.Prune();
    }

    private void Publish(EventTopic topic, string key, byte[] value)
    {
        var queued = _transport!.TryPublish(topic, key, value);
        _metrics.Events(TopicName(topic), queued, 1);
    }

    private static string TopicName(EventTopic topic) => topic switch
    {
        EventTopic.Bids => "bids",
        EventTopic.Impressions => "impressions",
        EventTopic.Losses => "losses",
        _ => "clicks",
    };
}

/// <summary>How bid events are buffered and batched (from <c>Bidder:EventBatchBytes</c>, <c>EventFlushMs</c>, <c>EventBufferKb</c>).</summary>
internal sealed record EventLogSettings(int BatchMaxBytes = 32 * 1024, int FlushIntervalMs = 10, int RingBytes = 1024 * 1024);
