using System.Diagnostics;

namespace ClickPredict.Trainer.Tests;

/// <summary>A clock that runs with the system's and jumps forward when a test says so (the joiner's idle clock reads it).</summary>
internal sealed class SteppedClock : TimeProvider
{
    private long _offset;

    public override long TimestampFrequency => Stopwatch.Frequency;

    public override long GetTimestamp() => Stopwatch.GetTimestamp() + Interlocked.Read(ref _offset);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offset, (long)(by.TotalSeconds * Stopwatch.Frequency));
}
