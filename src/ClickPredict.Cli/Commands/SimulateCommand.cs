using System.CommandLine;
using System.Globalization;
using ClickPredict.Core.Events;
using ClickPredict.Core.Metrics;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict simulate</c>: writes labelled examples of simulated traffic (through the real
/// OpenRTB parse and field extraction) as an events file, one MessagePack <see cref="LabeledExample"/>
/// after another, which <c>--format events</c> reads. Reports the best possible log loss (that of the
/// hidden true CTRs) for comparison with a model trained on the file.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var examples = CliOptions.Count("--examples", "Examples to write", 0);
        examples.Required = true;
        var output = new Option<string>("--out") { Description = "Events file to write", Required = true };
        var seed = new Option<int>("--seed") { Description = "Simulator seed (traffic and hidden CTRs)", DefaultValueFactory = _ => 42 };
        var drift = CliOptions.Number("--drift", "Drift of the hidden CTR function, radians per simulated day (0 = none)", 0, exclusive: false);
        var sites = CliOptions.Count("--sites", "Sites in the simulated market", new SimulatorOptions().Sites);
        var apps = CliOptions.Count("--apps", "Apps in the simulated market", new SimulatorOptions().Apps);
        var rate = CliOptions.Number("--requests-per-second", "Pace of the simulated clock (default 50): lower spreads the examples over more hours and days", 0, exclusive: true);
        var command = new Command("simulate", "Write simulated labelled examples as an events file") { examples, output, seed, drift, sites, apps, rate };
        command.SetAction(parsed => Run(
            context,
            parsed.GetValue(examples),
            parsed.GetValue(output)!,
            new SimulatorOptions
            {
                Seed = parsed.GetValue(seed),
                OutcomeSeed = parsed.GetValue(seed) + 4200,
                DriftPerDay = parsed.GetValue(drift) ?? 0,
                Sites = parsed.GetValue(sites),
                Apps = parsed.GetValue(apps),
                RequestsPerSecond = parsed.GetValue(rate) ?? new SimulatorOptions().RequestsPerSecond,
            }));
        return command;
    }

    private static int Run(CliContext context, int count, string outputPath, SimulatorOptions options)
    {
        var simulator = new SimulatedExamples(new TrafficSimulator(options));
        long clicks = 0;
        double bestLoss = 0, trueCtr = 0;
        var temporary = outputPath + ".tmp";
        new Progress(context).Run("simulate", count, p =>
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                for (var i = 1; i <= count; i++)
                {
                    var example = simulator.Next();
                    EventSerializer.Serialize(stream, example);
                    clicks += example.Clicked ? 1 : 0;
                    trueCtr += example.TrueCtr!.Value;
                    bestLoss += BinaryMetrics.LogLoss(example.TrueCtr.Value, example.Clicked);
                    if (Progress.Due(i))
                    {
                        p.Update(i, string.Empty);
                    }
                }
            }

            File.Move(temporary, outputPath, overwrite: true);
            p.Finish(count, string.Create(CultureInfo.InvariantCulture, $"{clicks:N0} clicks"));
        });

        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"wrote {count:N0} examples to {outputPath}: CTR {(double)clicks / count:F5} (true mean {trueCtr / count:F5}), best possible log loss {bestLoss / count:F6}"));
        return CliApp.Ok;
    }
}
