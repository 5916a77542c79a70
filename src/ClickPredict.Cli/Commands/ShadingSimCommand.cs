using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClickPredict.Core.Shading;
using Spectre.Console;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict shading-sim</c>: replays the same seeded first-price auctions under the fixed shading
/// factor, the learned shader (learning from its own wins and losses as the auctions go) and the oracle
/// that knows the competition, and prints per policy the wins, spend, value won and surplus, with surplus
/// as a share of the oracle's (<see cref="ShadingSimulation"/>). <c>--json</c> prints the same for scripts;
/// <c>--save-model</c> writes the learned win-rate model.
/// </summary>
internal static class ShadingSimCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new ShadingSimulationOptions();
        var auctions = CliOptions.Count("--auctions", $"First-price auctions to replay (default {defaults.Auctions:N0})", defaults.Auctions);
        var seed = new Option<int>("--seed") { Description = "Market seed: same seed, same figures", DefaultValueFactory = _ => defaults.Seed };
        var drift = CliOptions.Number("--drift", $"Drift of the competition, radians per simulated day (default {defaults.CompetitionDriftPerDay})", 0, exclusive: false);
        var rate = CliOptions.Number("--requests-per-second", $"Pace of the simulated clock (default {defaults.RequestsPerSecond}): lower spreads the auctions over more days", 0, exclusive: true);
        var valuePerClick = CliOptions.Number("--value-per-click", $"What a click is worth, USD (default {defaults.ValuePerClickUsd})", 0, exclusive: true);
        var maxCpm = CliOptions.Number("--max-cpm", $"The campaign's max CPM, USD (default {defaults.MaxCpmUsd})", 0, exclusive: true);
        var factor = CliOptions.Number("--fixed-factor", $"The fixed policy's factor, and the learned shader's fallback (default {defaults.Shading.FallbackFactor})", 0, exclusive: true);
        var exploration = CliOptions.Number("--exploration", $"Share of the learned shader's bids explored (default {defaults.Shading.ExplorationShare})", 0, exclusive: false);
        var minObservations = CliOptions.Count("--min-observations", "Outcomes an exchange needs before the learned curve prices its bids", (int)defaults.Shading.MinObservations, minimum: 0);
        var save = new Option<string?>("--save-model") { Description = "Write the learned win-rate model to this file" };
        var byExchange = new Option<bool>("--by-exchange") { Description = "Also print the figures per exchange" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var command = new Command("shading-sim", "Compare first-price bid shading on replayed auctions: the fixed factor, the learned shader and the oracle")
        {
            auctions, seed, drift, rate, valuePerClick, maxCpm, factor, exploration, minObservations, save, byExchange, json,
        };
        command.SetAction(parsed =>
        {
            if (parsed.GetValue(factor) is > 1 and var f)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--fixed-factor must be at most 1, not {f}"));
            }

            if (parsed.GetValue(exploration) is >= 1 and var e)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"--exploration must be below 1, not {e}"));
            }

            var shading = defaults.Shading with
            {
                FallbackFactor = parsed.GetValue(factor) ?? defaults.Shading.FallbackFactor,
                ExplorationShare = parsed.GetValue(exploration) ?? defaults.Shading.ExplorationShare,
                MinObservations = parsed.GetValue(minObservations),
            };
            var options = defaults with
            {
                Auctions = parsed.GetValue(auctions),
                Seed = parsed.GetValue(seed),
                CompetitionDriftPerDay = parsed.GetValue(drift) ?? defaults.CompetitionDriftPerDay,
                RequestsPerSecond = parsed.GetValue(rate) ?? defaults.RequestsPerSecond,
                ValuePerClickUsd = parsed.GetValue(valuePerClick) ?? defaults.ValuePerClickUsd,
                MaxCpmUsd = parsed.GetValue(maxCpm) ?? defaults.MaxCpmUsd,
                Shading = shading,
            };
            return Run(context, options, parsed.GetValue(save), parsed.GetValue(byExchange), parsed.GetValue(json));
        });
        return command;
    }

    private static int Run(CliContext context, ShadingSimulationOptions options, string? savePath, bool byExchange, bool json)
    {
        var simulation = new ShadingSimulation(options);
        // With --json, stdout carries the JSON alone.
        var progress = new Progress(json ? new CliContext(TextWriter.Null, context.Error, interactive: false) : context);
        ShadingSimulationResult? result = null;
        progress.Run("shading-sim", options.Auctions, p =>
        {
            result = simulation.Run(done => p.Update(done, string.Empty));
            p.Finish(result.Auctions, string.Empty);
        });

        if (savePath is not null)
        {
            WinRateModelFile.Save(result!.Model, savePath);
        }

        var report = ShadingSimReport.From(options, result!);
        if (json)
        {
            context.Output.WriteLine(JsonSerializer.Serialize(report, ShadingSimJsonContext.Default.ShadingSimReport));
            return CliApp.Ok;
        }

        Print(context, report, byExchange, savePath);
        return CliApp.Ok;
    }

    private static void Print(CliContext context, ShadingSimReport report, bool byExchange, string? savePath)
    {
        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"replayed {report.Auctions:N0} first-price auctions of seed {report.Seed} over {report.SimulatedHours:F1} simulated hours (competition drift {report.CompetitionDriftPerDay}/day; {report.SecondPriceSkipped:N0} second-price requests skipped); money in USD"));
        context.Console.Write(Table(report.Policies, withExchange: false));
        if (byExchange)
        {
            context.Console.Write(Table(report.ByExchange, withExchange: true));
        }

        var learner = report.Learner;
        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"learned shader: {learner.ModelBids:N0} bids priced by its win-rate model, {learner.FallbackBids:N0} by the fixed factor while an exchange had too few outcomes, {learner.ExploredBids:N0} explored; progressive win log loss {learner.WinLogLoss:F4}"));
        if (savePath is not null)
        {
            context.Output.WriteLine($"wrote the learned win-rate model to {savePath}");
        }
    }

    private static Table Table(IReadOnlyList<ShadingSimRow> rows, bool withExchange)
    {
        // Per exchange, the bids column gives way to the exchange's name (the table fits 80 columns).
        var table = new Table();
        table.AddColumns(withExchange ? ["exchange", "policy"] : ["policy", "bids"]);
        table.AddColumns("wins", "win %", "spend", "value", "surplus", "of oracle");
        foreach (var row in rows)
        {
            var cells = new List<string>
            {
                Markup.Escape(withExchange ? row.Exchange ?? string.Empty : row.Policy),
                withExchange ? Markup.Escape(row.Policy) : row.Bids.ToString("N0", CultureInfo.InvariantCulture),
                row.Wins.ToString("N0", CultureInfo.InvariantCulture),
                row.Bids > 0 ? (100.0 * row.Wins / row.Bids).ToString("F1", CultureInfo.InvariantCulture) : "-",
                row.SpendUsd.ToString("F2", CultureInfo.InvariantCulture),
                row.ValueWonUsd.ToString("F2", CultureInfo.InvariantCulture),
                row.SurplusUsd.ToString("F2", CultureInfo.InvariantCulture),
                row.OfOraclePercent is { } share ? share.ToString("F1", CultureInfo.InvariantCulture) + "%" : "-",
            };
            table.AddRow([.. cells]);
        }

        return table;
    }
}
