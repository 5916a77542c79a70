using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// Fixed-rate (open-loop) HTTP load for latency at a given throughput, as wrk2 or <c>hey -q</c> would
/// give (neither installs here). Requests are sent on a schedule, whatever the answers are doing, in
/// batches of those due at each millisecond tick (the sleep granularity; spinning would take a core
/// from the server on a two-core machine). Latency is from a request's send to its response's last
/// byte, recorded at 1 us resolution; the lag between due and send time is reported too.
/// Two clients: <c>http</c> (<see cref="HttpClient"/>; an answer is completed on the thread pool) and
/// <c>raw</c> (<see cref="RawConnection"/>: a thread per keep-alive connection writes the request's
/// prepared bytes and blocks until the answer's last byte, so the kernel wakes the measuring thread
/// itself, with no thread-pool hop in the client's share of the latency).
/// </summary>
internal static class LoadGenerator
{
    private const int MaxMicros = 1_000_000;

    public static async Task<int> RunAsync(Uri url, string bodyFile, int rate, int seconds, int connections, int warmupSeconds, string clientKind = "http")
    {
        var bodies = File.ReadAllLines(bodyFile).Where(l => l.Length > 0).Select(System.Text.Encoding.UTF8.GetBytes).ToArray();
        if (bodies.Length == 0)
        {
            Console.Error.WriteLine($"no bodies in {bodyFile}");
            return 2;
        }

        if (clientKind == "raw")
        {
            Console.WriteLine($"load: POST {url} at {rate}/s for {seconds} s (after {warmupSeconds} s warm-up), {connections} connections (raw, a thread each), {bodies.Length} bodies");
            var requests = bodies.Select(b => RawConnection.Request(url, b)).ToArray();
            RawPhase(url, requests, rate, warmupSeconds, connections, null);
            var rawStats = new Stats();
            var rawElapsed = RawPhase(url, requests, rate, seconds, connections, rawStats);
            rawStats.Print(rawElapsed);
            return rawStats.Errors == 0 ? 0 : 1;
        }

        if (clientKind != "http")
        {
            Console.Error.WriteLine($"unknown --client '{clientKind}' (http or raw)");
            return 2;
        }

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        Console.WriteLine($"load: POST {url} at {rate}/s for {seconds} s (after {warmupSeconds} s warm-up), {connections} connections, {bodies.Length} bodies");
        await PhaseAsync(client, url, bodies, rate, warmupSeconds, null).ConfigureAwait(false);
        var stats = new Stats();
        var elapsed = await PhaseAsync(client, url, bodies, rate, seconds, stats).ConfigureAwait(false);
        stats.Print(elapsed);
        return stats.Errors == 0 ? 0 : 1;
    }

    private static async Task<TimeSpan> PhaseAsync(HttpClient client, Uri url, byte[][] bodies, int rate, int seconds, Stats? stats)
    {
        var total = (long)rate * seconds;
        var tasks = new List<Task>((int)Math.Min(total, 1_000_000));
        var ticksPerRequest = (double)Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var sent = 0L;
        var scheduler = new Thread(() =>
        {
            while (sent < total)
            {
                var now = Stopwatch.GetTimestamp();
                while (sent < total && start + (long)(sent * ticksPerRequest) <= now)
                {
                    var due = start + (long)(sent * ticksPerRequest);
                    stats?.Lag(now - due);
                    tasks.Add(SendAsync(client, url, bodies[sent % bodies.Length], stats));
                    sent++;
                }

                Thread.Sleep(1);
            }
        })
        { IsBackground = true, Name = "load scheduler" };
        scheduler.Start();
        scheduler.Join();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>
    /// The raw client's phase: connection <c>k</c> sends requests <c>k</c>, <c>k + connections</c>, ... each
    /// at its due time on the shared schedule (sleeping until then; one already late goes at once, its lag
    /// recorded), so together they hold the rate; a connection's answer must be in before its next send.
    /// </summary>
    private static TimeSpan RawPhase(Uri url, byte[][] requests, int rate, int seconds, int connections, Stats? stats)
    {
        var total = (long)rate * seconds;
        var ticksPerRequest = (double)Stopwatch.Frequency / rate;
        var connected = Enumerable.Range(0, connections).Select(_ => new RawConnection(url)).ToArray();
        var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 100;
        var threads = connected.Select((connection, k) => new Thread(() =>
        {
            for (long i = k; i < total; i += connections)
            {
                var due = start + (long)(i * ticksPerRequest);
                var wait = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                if (wait > 0)
                {
                    Thread.Sleep((int)wait);
                }

                var sent = Stopwatch.GetTimestamp();
                stats?.Lag(Math.Max(0, sent - due));
                try
                {
                    var status = connection.Send(requests[i % requests.Length]);
                    stats?.Done(Stopwatch.GetElapsedTime(sent), status);
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidDataException)
                {
                    stats?.Error();
                    connection.Reconnect();
                }
            }
        })
        { IsBackground = true, Name = $"load connection {k}" }).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        foreach (var connection in connected)
        {
            connection.Dispose();
        }

        return Stopwatch.GetElapsedTime(start);
    }

    private static async Task SendAsync(HttpClient client, Uri url, byte[] body, Stats? stats)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync().ConfigureAwait(false);
            stats?.Done(Stopwatch.GetElapsedTime(sent), (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            stats?.Error();
        }
    }

    private sealed class Stats
    {
        private readonly long[] _micros = new long[MaxMicros + 1];
        private readonly long[] _statuses = new long[600];
        private long _count;
        private long _errors;
        private long _lagTicksMax;
        private long _lagTicksSum;
        private long _lagCount;

        public long Errors => Interlocked.Read(ref _errors);

        public void Done(TimeSpan latency, int status)
        {
            var micros = (long)Math.Min(latency.TotalMicroseconds, MaxMicros);
            Interlocked.Increment(ref _micros[micros]);
            Interlocked.Increment(ref _statuses[Math.Clamp(status, 0, 599)]);
            Interlocked.Increment(ref _count);
        }

        public void Error() => Interlocked.Increment(ref _errors);

        public void Lag(long ticks)
        {
            _lagTicksSum += ticks;
            _lagCount++;
            _lagTicksMax = Math.Max(_lagTicksMax, ticks);
        }

        public void Print(TimeSpan elapsed)
        {
            var count = Interlocked.Read(ref _count);
            string P(double q)
            {
                var target = (long)Math.Ceiling(q * count);
                long seen = 0;
                for (var i = 0; i < _micros.Length; i++)
                {
                    seen += _micros[i];
                    if (seen >= target && target > 0)
                    {
                        return (i / 1000.0).ToString("F3", CultureInfo.InvariantCulture) + " ms";
                    }
                }

                return "n/a";
            }

            var max = Array.FindLastIndex(_micros, c => c > 0);
            var statuses = string.Join(", ", Enumerable.Range(0, _statuses.Length).Where(s => _statuses[s] > 0).Select(s => $"{s}: {_statuses[s]}"));
            Console.WriteLine($"requests: {count} in {elapsed.TotalSeconds:F1} s = {count / elapsed.TotalSeconds:F0}/s; statuses {statuses}; errors {Errors}");
            Console.WriteLine($"latency: p50 {P(0.50)}, p90 {P(0.90)}, p99 {P(0.99)}, p99.9 {P(0.999)}, max {max / 1000.0:F3} ms");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"schedule lag (due to sent): mean {(_lagCount == 0 ? 0 : _lagTicksSum / (double)_lagCount) * 1000 / Stopwatch.Frequency:F3} ms, max {_lagTicksMax * 1000.0 / Stopwatch.Frequency:F3} ms"));
        }
    }
}
