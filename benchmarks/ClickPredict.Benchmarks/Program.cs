using BenchmarkDotNet.Running;

namespace ClickPredict.Benchmarks;

/// <summary>
/// Runs the benchmarks the command line selects, e.g. <c>--filter *Scoring*</c>; or, with
/// <c>trainer-throughput [auctions]</c>, the trainer's end-to-end throughput run (<see cref="TrainerThroughput"/>).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "trainer-throughput")
        {
            return TrainerThroughput.Run(args[1..]);
        }

        // Bidder tools (bare-Kestrel baseline, load generator, request bodies, test model) take their own verbs.
        if (Bidder.BidderTools.TryRun(args, out var exitCode))
        {
            return exitCode;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
