using System.Diagnostics;
using System.Net;
using ClickPredict.Cli.Demo;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Tests;

public class DemoTrafficTests
{
    /// <summary>
    /// The demo's pacing on a clock that moves on every reading (a loaded machine, where time passes between
    /// any two statements): were the clock read twice per request, once to decide to wait and once to say how
    /// long, the wait could come out negative and <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/>
    /// would throw and end the demo. Every request is sent and answered; none fails.
    /// </summary>
    [Fact]
    public async Task Pacing_ClockMovingBetweenReadings_SendsEveryRequestWithoutFailing()
    {
        var handler = new NoBidHandler();
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = 3 });
        var tally = new DemoTally(5);
        // 4 ms pass at every reading, requests are due every 5 ms: the pacing waits about 1 ms before each
        // (5 ms due, 4 ms gone), and a second reading would land 3 ms past the due time (Task.Delay refuses
        // waits below -1 ms).
        var clock = new HurryingClock(TimeSpan.FromMilliseconds(4));
        using var traffic = new DemoTraffic(simulator, http, tally, clock);

        await traffic.RunAsync(qps: 200, TimeSpan.FromSeconds(1), CancellationToken.None);

        var counters = tally.Snapshot();
        var seen = $"{clock.Readings} clock readings, {handler.Count} requests sent, {counters}";
        Assert.True(clock.Readings > 20, seen);
        Assert.True(handler.Count > 20, seen);
        Assert.True(counters.Errors == 0, seen);
        Assert.Equal(handler.Count, counters.Requests);
        Assert.Equal(handler.Count, counters.NoBids);
    }

    /// <summary>Real time plus <c>step</c> more at every reading: always moving, and faster than the wall clock.</summary>
    private sealed class HurryingClock(TimeSpan step) : TimeProvider
    {
        private readonly long _start = Stopwatch.GetTimestamp();
        private long _readings;

        public long Readings => Interlocked.Read(ref _readings);

        public override long TimestampFrequency => Stopwatch.Frequency;

        public override long GetTimestamp()
        {
            var readings = Interlocked.Increment(ref _readings);
            return _start + ((Stopwatch.GetTimestamp() - _start) + (readings * step.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>An exchange-side bidder that never bids (HTTP 204), counting the requests it saw.</summary>
    private sealed class NoBidHandler : HttpMessageHandler
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) });
        }
    }
}
