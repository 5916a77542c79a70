using BenchmarkDotNet.Running;

namespace ClickPredict.Benchmarks;

/// <summary>Runs the benchmarks the command line selects, e.g. <c>--filter *Scoring*</c>.</summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
