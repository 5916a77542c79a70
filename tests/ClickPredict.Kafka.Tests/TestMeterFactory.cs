using System.Diagnostics.Metrics;

namespace ClickPredict.Kafka.Tests;

/// <summary>An <see cref="IMeterFactory"/> whose meters are private to one test (no cross-talk between parallel tests).</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}

/// <summary>Sums the long counters of meters created by one <see cref="TestMeterFactory"/>, per instrument and tag set.</summary>
internal sealed class CounterRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = [];

    public CounterRecorder(TestMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, copy));
            }
        });
        _listener.Start();
    }

    public long Sum(string instrument, string? tag = null, object? tagValue = null)
    {
        lock (_measurements)
        {
            return _measurements
                .Where(m => m.Instrument == instrument && (tag is null || (m.Tags.TryGetValue(tag, out var v) && Equals(v, tagValue))))
                .Sum(m => m.Value);
        }
    }

    public IReadOnlyList<Dictionary<string, object?>> TagsOf(string instrument)
    {
        lock (_measurements)
        {
            return _measurements.Where(m => m.Instrument == instrument).Select(m => m.Tags).ToList();
        }
    }

    public void Dispose() => _listener.Dispose();
}
