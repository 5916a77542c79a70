using System.Globalization;

namespace ClickPredict.Benchmarks.Soak;

/// <summary>The soak's command line: <c>--name value</c> options, <c>--json</c>, and <c>key=value</c> trainer settings.</summary>
internal sealed record SoakOptions
{
    public int Auctions { get; init; } = 50_000;

    public int Outages { get; init; } = 3;

    public int Kills { get; init; } = 3;

    /// <summary>Auctions logged per second: few enough that the joiner is caught up when a fault strikes, when an idle clock is a hazard.</summary>
    public int Rate { get; init; } = 300;

    public int Partitions { get; init; } = 8;

    public int Seed { get; init; } = 1;

    /// <summary>How long each outage lasts (longer than the trainer's windows, 4 s).</summary>
    public int OutageSeconds { get; init; } = 6;

    public bool Json { get; init; }

    /// <summary>Keep the state directory and the trainer's log even after a clean run (<c>--keep</c>).</summary>
    public bool Keep { get; init; }

    public IReadOnlyList<string> Settings { get; init; } = [];

    public static SoakOptions Parse(string[] args)
    {
        var options = new SoakOptions();
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--json" or "--keep")
            {
                options = arg == "--json" ? options with { Json = true } : options with { Keep = true };
                continue;
            }

            if (arg.Contains('=', StringComparison.Ordinal) && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                settings.Add(arg);
                continue;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0)
            {
                throw new ArgumentException($"{arg} needs a whole number of at least 0 after it");
            }

            i++;
            options = arg switch
            {
                "--auctions" => options with { Auctions = Math.Max(1, value) },
                "--outages" => options with { Outages = value },
                "--kills" => options with { Kills = value },
                "--rate" => options with { Rate = Math.Max(1, value) },
                "--partitions" => options with { Partitions = Math.Max(1, value) },
                "--seed" => options with { Seed = value },
                "--outage-seconds" => options with { OutageSeconds = value },
                _ => throw new ArgumentException($"unknown option {arg} (--auctions, --outages, --kills, --rate, --partitions, --seed, --outage-seconds, --json, --keep, key=value)"),
            };
        }

        return options with { Settings = settings };
    }
}
