using BenchmarkDotNet.Running;

namespace ClickPredict.Benchmarks;

/// <summary>
/// Runs the benchmarks the command line selects (e.g. <c>--filter *EndToEnd*</c>), then holds the
/// results against the allocation budget; or, with <c>--check-budget [results dir]</c>, only checks
/// an earlier run's JSON export. Non-zero exit when a benchmark allocates over its budget. The
/// bidder's tools (bare-Kestrel baseline, load generator, request bodies, test model) take their
/// own verbs, <c>trainer-throughput [auctions] [events/s] [partitions]</c> runs the trainer's end-to-end
/// throughput run, <c>trainer-soak</c> its exactly-once soak under broker outages and kills
/// (<see cref="Soak.TrainerSoak"/>), and <c>broker-throughput</c> the same logging read by a bare consumer
/// (<see cref="TrainerThroughput"/>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "trainer-throughput")
        {
            return TrainerThroughput.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "trainer-soak")
        {
            return Soak.TrainerSoak.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "broker-throughput")
        {
            return TrainerThroughput.RunBrokerOnly(args[1..]);
        }

        if (Bidder.BidderTools.TryRun(args, out var exitCode))
        {
            return exitCode;
        }

        if (args.Length > 0 && args[0] == BudgetCommand.Flag)
        {
            return BudgetCommand.Run(args[1..]);
        }

        // Whole seconds: file times may be coarser than the clock.
        var started = DateTime.UtcNow.AddSeconds(-1);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, BenchmarkConfig.Create()).ToArray();
        return BudgetCommand.AfterRun(summaries, started);
    }
}
