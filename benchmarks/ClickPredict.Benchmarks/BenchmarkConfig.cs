using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;

namespace ClickPredict.Benchmarks;

/// <summary>The configuration every run uses, whatever job the command line picks.</summary>
internal static class BenchmarkConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        // Workstation, non-concurrent GC in the benchmark processes (as the csproj sets for this one):
        // no background GC thread to disturb timings or allocation figures. A mutator is applied to
        // whatever job runs (the default one, or --job short / --job long from the command line).
        .AddJob(Job.Default.WithGcServer(false).WithGcConcurrent(false).AsMutator())
        .AddDiagnoser(MemoryDiagnoser.Default)
        // The full JSON export is what the allocation-budget check reads.
        .AddExporter(JsonExporter.Full)
        // The machine is shared: under load, building the generated project can outlast the
        // default two minutes, and a timed-out build loses the whole class's results.
        .WithBuildTimeout(TimeSpan.FromMinutes(10));
}
