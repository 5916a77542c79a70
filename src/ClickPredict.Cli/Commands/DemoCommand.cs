using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using ClickPredict.Cli.Demo;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict demo [--duration 5m] [--qps N] [--drift] [--seed N] [--bidders N] [--budget-usd X]
/// [--restart-bidder-at 50%]</c>: the whole system in one process (embedded Kafka broker, one or more
/// bidders on 127.0.0.1, trainer) under simulated exchange traffic,
/// with a live view of traffic, latency, training, hot-swaps and the live log loss against the best
/// possible; Ctrl-C or the end of the duration stops it cleanly and prints a summary.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new DemoSettings();
        var duration = new Option<TimeSpan>("--duration")
        {
            Description = "How long the traffic runs: 90s, 2m, 1h30m or hh:mm:ss (default 5m)",
            DefaultValueFactory = _ => defaults.Duration,
            CustomParser = ParseDuration,
        };
        var qps = CliOptions.Count("--qps", "Bid requests per second the simulated exchange sends", defaults.Qps);
        qps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() > 20_000)
            {
                result.AddError("--qps must be at most 20000");
            }
        });
        var drift = new Option<bool>("--drift") { Description = "Let the market's hidden CTRs drift while the demo runs (one radian a minute), so the trainer has to keep up" };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated market (default 7: one the shipped default model, trained on seed 42, has not seen)", DefaultValueFactory = _ => defaults.Seed };
        var directory = new Option<string?>("--dir") { Description = "Keep the registry and the trainer's state in this directory (default: a temporary one, removed at the end)" };
        var interval = CliOptions.Count(
            "--retrain-interval",
            $"Seconds between the trainer's scheduled retrains (default {DemoSettings.DefaultRetrainIntervalSeconds}; with --drift {DemoSettings.DriftRetrainIntervalSeconds}: retrains rare and recalibrations frequent, as in production, to show calibration between retrains)",
            defaults.RetrainIntervalSeconds);
        var recalibrate = CliOptions.Count("--recalibrate-interval", "Seconds between the trainer's recalibrate-only rounds (live calibration published between retrains; 0: none)", defaults.RecalibrateIntervalSeconds, minimum: 0);
        var labelDelay = CliOptions.Count("--label-delay", "Seconds a win's click is waited for (the bidder's label delay and the joiner's attribution window); the simulated user clicks at once, so this is a margin for the click's trip through HTTP and Kafka, and part of the lag of every correction learned from clicks", defaults.LabelDelaySeconds);
        labelDelay.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() > 600)
            {
                result.AddError("--label-delay must be at most 600 (seconds)");
            }
        });
        var json = new Option<bool>("--json") { Description = "No live view: print the summary as one JSON object at the end" };
        var bidders = CliOptions.Count("--bidders", "Bidders behind the simulated exchange (each on its own port, one broker); the exchange spreads requests over them, sends each win notice to any of them and replays 1% to another", defaults.Bidders);
        bidders.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() > 16)
            {
                result.AddError("--bidders must be at most 16");
            }
        });
        var budget = CliOptions.Number("--budget-usd", "Every campaign's daily budget for the run, spent as fast as traffic allows (no even pacing), so budgets bind within minutes", 0, exclusive: true);
        var restart = new Option<double?>("--restart-bidder-at")
        {
            Description = "Stop the last bidder this far into the run (50% or 0.5) and start it again: it rebuilds today's spend from Kafka before it bids",
            CustomParser = ParseShare,
        };
        var command = new Command("demo", "Run the whole system (embedded Kafka, bidders, trainer) under simulated traffic with a live view")
        {
            duration, qps, drift, seed, directory, interval, bidders, budget, restart, json,
        };
        command.Options.Add(recalibrate);
        command.Options.Add(labelDelay);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var settings = new DemoSettings
            {
                Duration = parsed.GetValue(duration),
                Qps = parsed.GetValue(qps),
                Drift = parsed.GetValue(drift),
                Seed = parsed.GetValue(seed),
                Directory = parsed.GetValue(directory),
                RetrainIntervalSeconds = parsed.GetResult(interval) is { Implicit: false } || !parsed.GetValue(drift)
                    ? parsed.GetValue(interval)
                    : DemoSettings.DriftRetrainIntervalSeconds,
                RecalibrateIntervalSeconds = parsed.GetValue(recalibrate),
                LabelDelaySeconds = parsed.GetValue(labelDelay),
                Bidders = parsed.GetValue(bidders),
                BudgetUsd = parsed.GetValue(budget) is { } usd ? decimal.Round((decimal)usd, 6) : null,
                RestartBidderAt = parsed.GetValue(restart),
            };
            var quiet = parsed.GetValue(json);
            var summary = await new DemoRunner(context, settings).RunAsync(quiet, cancellationToken).ConfigureAwait(false);
            if (quiet)
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(summary, DemoJsonContext.Default.DemoSummary)).ConfigureAwait(false);
            }
            else
            {
                DemoView.Summary(context.Console, summary);
            }

            return CliApp.Ok;
        });
        return command;
    }

    /// <summary>Parses a share of the run: <c>50%</c> or <c>0.5</c>, strictly between 0 and 1.</summary>
    public static double? ParseShare(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        var percent = text.EndsWith('%');
        if (double.TryParse(percent ? text[..^1] : text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            value = percent ? value / 100 : value;
            if (value is > 0 and < 1)
            {
                return value;
            }
        }

        result.AddError($"--restart-bidder-at must be a share of the run between 0 and 100% such as 50% or 0.5, not '{text}'");
        return null;
    }

    /// <summary>Parses <c>90s</c>, <c>2m</c>, <c>1h30m</c>, <c>2m30s</c> or a <see cref="TimeSpan"/> (<c>00:02:00</c>).</summary>
    public static TimeSpan ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (TryParseDuration(text, out var value) && value > TimeSpan.Zero && value <= TimeSpan.FromDays(1))
        {
            return value;
        }

        result.AddError($"--duration must be a positive duration up to a day such as 90s, 2m, 1h30m or 00:02:00, not '{text}'");
        return default;
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        var rest = text.AsSpan();
        if (rest.IsEmpty)
        {
            return false;
        }

        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || digits == rest.Length || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            value += char.ToLowerInvariant(rest[digits]) switch
            {
                'h' => TimeSpan.FromHours(amount),
                'm' => TimeSpan.FromMinutes(amount),
                's' => TimeSpan.FromSeconds(amount),
                _ => TimeSpan.MinValue,
            };
            if (value < TimeSpan.Zero)
            {
                return false;
            }

            rest = rest[(digits + 1)..];
        }

        return true;
    }
}
