using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace ClickPredict.Benchmarks;

/// <summary>
/// Samples the runtime's own allocation events (<c>GCAllocationTick</c>: one per ~100 KB allocated, naming
/// the type whose allocation crossed the mark) while enabled, so a throughput run can say which types its
/// bytes go to. Approximate by construction: each sample stands for the ~100 KB before it.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    /// <summary>The <paramref name="top"/> types by sampled bytes, with their share.</summary>
    public string Describe(int top)
    {
        var total = _bytes.Values.Sum();
        return total == 0
            ? "no samples"
            : string.Join(", ", _bytes.OrderByDescending(b => b.Value).Take(top).Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key} {100.0 * b.Value / total:F0}%")));
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, old) => old + amount);
    }
}
