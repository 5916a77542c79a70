using System.Buffers;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Core.Events;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// Logs bids, impressions and clicks as MessagePack event contracts, keyed by bid id, through the
/// configured <see cref="IEventTransport"/>. Never blocks and never fails the caller: a dropped event
/// is counted (<c>clickpredict.bidder.events{outcome="dropped"}</c>). Without a transport logging is off.
/// </summary>
internal sealed class EventLog
{
    private readonly IEventTransport? _transport;
    private readonly BidderMetrics _metrics;

    public EventLog(IEventTransport? transport, BidderMetrics metrics)
    {
        _transport = transport;
        _metrics = metrics;
    }

    public bool Enabled => _transport is not null;

    public string Description => _transport?.Description ?? "off";

    /// <summary>Logs each bid of the response (the context still holds the request).</summary>
    public void Bids(BidContext ctx, ArrayBufferWriter<byte> buffer)
    {
        if (_transport is null || ctx.Model is null)
        {
            return;
        }

        for (var i = 0; i < ctx.BidCount; i++)
        {
            ref readonly var bid = ref ctx.Bids[i];
            // The fields as this bid's imp and creative give them (the scorer left the last imp's last candidate's).
            OpenRtbFieldExtractor.ExtractRequest(ctx.Request, bid.ImpIndex, ctx.ReceivedUtc, ctx.Exchange.NameUtf8, ctx.Values);
            OpenRtbFieldExtractor.ExtractCandidate(bid.Creative.Candidate, ctx.Values);
            buffer.ResetWrittenCount();
            BidEventWriter.Write(buffer, ctx, bid, ctx.Values);
            Publish(EventTopic.Bids, BidIds.ToString(bid.Id), buffer.WrittenSpan.ToArray());
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

    private void Publish(EventTopic topic, string key, byte[] value)
    {
        var queued = _transport!.TryPublish(topic, key, value);
        _metrics.Event(TopicName(topic), queued);
    }

    private static string TopicName(EventTopic topic) => topic switch
    {
        EventTopic.Bids => "bids",
        EventTopic.Impressions => "impressions",
        _ => "clicks",
    };
}
