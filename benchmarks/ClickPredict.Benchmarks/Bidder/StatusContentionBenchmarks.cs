using BenchmarkDotNet.Attributes;
using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Status;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// The status page's per-request count (<see cref="LiveStatus.Request"/>: requests, bids, the latency bin and
/// the serving model of the current time bucket) from one thread and from several at once, as the bidder's
/// socket threads call it. Each invocation has every thread count <see cref="PerThread"/> requests; the time is
/// per request of one thread, so with no contention the rows for 1 and 2 threads are alike, and what two threads
/// add is what they pay for writing the same cache lines.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class StatusContentionBenchmarks
{
    private const int PerThread = 200_000;

    private LiveStatus _status = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _status = new LiveStatus(new StatusOptions(), TimeProvider.System);

    [GlobalCleanup]
    public void Cleanup() => _status.Dispose();

    [Benchmark(OperationsPerInvoke = PerThread)]
    public void Request()
    {
        var status = _status;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, thread =>
        {
            // Both outcomes and a spread of latencies, as a real request mix writes them.
            for (var i = 0; i < PerThread; i++)
            {
                status.Request((i & 7) != 0, 0.00015 + ((i & 15) * 0.00001), "ctr-default@1");
            }
        });
    }
}
