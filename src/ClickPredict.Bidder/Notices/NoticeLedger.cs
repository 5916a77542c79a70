using System.Collections.Concurrent;

namespace ClickPredict.Bidder.Notices;

/// <summary>
/// Which notices each bid has had, so each is acted on once: a second win notice for a bid is a
/// replay, and the impression is logged and charged by whichever of win and billing notice comes
/// first. Entries are kept as long as a notice for them could still be accepted (the configured
/// maximum ages) and pruned after; an older notice is refused as expired, so no replay gets through.
/// </summary>
internal sealed class NoticeLedger : IDisposable
{
    private readonly ConcurrentDictionary<UInt128, Entry> _entries = new();
    private readonly TimeProvider _time;
    private readonly long _winMaxAgeMs;
    private readonly long _clickMaxAgeMs;
    private readonly ITimer _pruner;

    public NoticeLedger(TimeProvider time, int winMaxAgeSeconds, int clickMaxAgeSeconds)
    {
        _time = time;
        _winMaxAgeMs = winMaxAgeSeconds * 1000L;
        _clickMaxAgeMs = clickMaxAgeSeconds * 1000L;
        _pruner = time.CreateTimer(_ => Prune(), null, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    public int Count => _entries.Count;

    /// <summary>Adds <paramref name="flag"/> to the bid's record atomically; returns the flags it had before.</summary>
    public NoticeFlags Mark(UInt128 bidId, long bidTimeMs, NoticeFlags flag)
    {
        while (true)
        {
            if (_entries.TryGetValue(bidId, out var entry))
            {
                if (_entries.TryUpdate(bidId, entry with { Flags = entry.Flags | flag }, entry))
                {
                    return entry.Flags;
                }
            }
            else if (_entries.TryAdd(bidId, new Entry(bidTimeMs, flag)))
            {
                return NoticeFlags.None;
            }
        }
    }

    /// <summary>Forgets bids no notice can be accepted for any more.</summary>
    public void Prune()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (id, entry) in _entries)
        {
            var age = now - entry.BidTimeMs;
            // Past the win window only a click can still come; past the click window nothing can.
            if (age > _clickMaxAgeMs || (age > _winMaxAgeMs && (entry.Flags & NoticeFlags.Click) == 0))
            {
                _entries.TryRemove(new KeyValuePair<UInt128, Entry>(id, entry));
            }
        }
    }

    public void Dispose() => _pruner.Dispose();

    private readonly record struct Entry(long BidTimeMs, NoticeFlags Flags);
}

/// <summary>The notices a bid has had.</summary>
[Flags]
internal enum NoticeFlags
{
    None = 0,
    Win = 1,
    Bill = 2,
    Click = 4,
    Loss = 8,
}
