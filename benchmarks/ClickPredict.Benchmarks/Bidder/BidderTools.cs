using System.Globalization;
using ClickPredict.Core.Model;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// Command-line tools for the bidder's HTTP benchmarks (docs/BENCHMARKS.md, "Bidder"):
/// <list type="bullet">
/// <item><c>bidder-baseline [--urls URL] [--answer-bytes N]</c>: the bare Kestrel endpoint wrk compares the bidder with
/// (answers 204; with <c>--answer-bytes</c>, a constant JSON answer of N bytes with the bidder's headers).</item>
/// <item><c>bidder-load --url URL --bodies FILE --rate N --seconds S [--connections C] [--warmup S] [--client http|raw]</c>: fixed-rate load with latency percentiles.</item>
/// <item><c>bidder-bodies --out FILE [--count N] [--seed S]</c>: simulator request bodies (one JSON per line) for wrk and the load tool.</item>
/// <item><c>bidder-model --out PATH</c>: the benchmark stand-in model (when the repository ships none).</item>
/// </list>
/// </summary>
internal static class BidderTools
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length == 0 || !args[0].StartsWith("bidder-", StringComparison.Ordinal))
        {
            return false;
        }

        var options = Options(args);
        switch (args[0])
        {
            case "bidder-baseline":
                BareKestrel.Run(Get(options, "urls", "http://127.0.0.1:5090"), Int(options, "answer-bytes", 0));
                return true;
            case "bidder-load":
                exitCode = LoadGenerator.RunAsync(
                    new Uri(Get(options, "url", "http://127.0.0.1:5080/openrtb2/bid")),
                    Get(options, "bodies", "benchmarks/wrk/bodies.jsonl"),
                    Int(options, "rate", 2000),
                    Int(options, "seconds", 30),
                    Int(options, "connections", 16),
                    Int(options, "warmup", 5),
                    Get(options, "client", "http")).GetAwaiter().GetResult();
                return true;
            case "bidder-bodies":
                WriteBodies(Get(options, "out", "benchmarks/wrk/bodies.jsonl"), Int(options, "count", 200), Int(options, "seed", 1));
                return true;
            case "bidder-model":
                var model = BenchmarkModel.Synthetic();
                var path = Get(options, "out", "bench-model.cpm");
                ModelFile.Save(model, path);
                Console.WriteLine($"wrote {path}: {model}");
                return true;
            default:
                return false;
        }
    }

    private static void WriteBodies(string path, int count, int seed)
    {
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = seed });
        using var file = File.Create(path);
        for (var i = 0; i < count; i++)
        {
            // SimRequest.ToJson writes no line breaks: one request per line.
            file.Write(simulator.Next().ToJson());
            file.WriteByte((byte)'\n');
        }

        Console.WriteLine($"wrote {count} simulator requests (seed {seed}) to {path}");
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value pairs, found '{args[i]}'");
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options;
    }

    private static string Get(Dictionary<string, string> options, string name, string fallback) => options.GetValueOrDefault(name, fallback);

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}
