using System.CommandLine;
using System.Globalization;
using ClickPredict.Cli.Export;
using ClickPredict.Core.Events;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Cli.Commands;

/// <summary>
/// <c>clickpredict export-examples</c>: copies the labelled examples the trainer's joiner wrote to the
/// examples topic into an events file (one MessagePack <see cref="LabeledExample"/> after another,
/// ordered by bid time), which <c>backtest --format events</c> and <c>fit --format events</c> read.
/// With <c>--bootstrap-servers embedded</c> (the default) it finds the embedded broker another
/// ClickPredict process on this machine runs.
/// </summary>
internal static class ExportExamplesCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string>("--out") { Description = "Events file to write", Required = true };
        var from = new Option<string?>("--from") { Description = "Only examples whose bid time is at or after this (ISO 8601, UTC unless it says; or Unix milliseconds)" };
        var to = new Option<string?>("--to") { Description = "Only examples whose bid time is before this (same forms as --from)" };
        var bootstrap = new Option<string>("--bootstrap-servers")
        {
            Description = "Kafka host:port list, or 'embedded' for the broker another ClickPredict process on this machine runs",
            DefaultValueFactory = _ => KafkaOptions.EmbeddedBootstrap,
        };
        var topic = new Option<string>("--topic") { Description = "Topic of labelled examples", DefaultValueFactory = _ => new KafkaOptions.KafkaTopicOptions().Examples };
        var discovery = new Option<string?>("--discovery-directory") { Description = "Where embedded brokers advertise themselves (default {temp}/clickpredict)" };
        var timeout = CliOptions.Count("--timeout", "Seconds to wait for the brokers and the whole copy", 60);
        var command = new Command("export-examples", "Copy the labelled examples topic into an events file for back-tests and fits")
        {
            output, from, to, bootstrap, topic, discovery, timeout,
        };
        command.SetAction(parsed => Run(
            context,
            parsed.GetValue(output)!,
            ParseTime(parsed.GetValue(from), "--from"),
            ParseTime(parsed.GetValue(to), "--to"),
            parsed.GetValue(bootstrap)!,
            parsed.GetValue(topic)!,
            parsed.GetValue(discovery),
            TimeSpan.FromSeconds(parsed.GetValue(timeout))));
        return command;
    }

    /// <summary>An ISO 8601 time (UTC unless it names an offset) or Unix milliseconds; null when absent.</summary>
    internal static DateTimeOffset? ParseTime(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        if (text.All(char.IsAsciiDigit) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            try
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }
            catch (ArgumentOutOfRangeException)
            {
                throw new CliException($"{option} {text}: Unix milliseconds out of range");
            }
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        throw new CliException($"{option} '{text}' is not a time: use ISO 8601 (2026-11-23T10:00:00Z) or Unix milliseconds");
    }

    private static int Run(CliContext context, string outputPath, DateTimeOffset? from, DateTimeOffset? to, string bootstrap, string topic, string? discovery, TimeSpan timeout)
    {
        if (from is { } f && to is { } t && t <= f)
        {
            throw new CliException($"--to ({t.UtcDateTime:O}) must be after --from ({f.UtcDateTime:O})");
        }

        var full = Path.GetFullPath(outputPath);
        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new CliException($"--out {outputPath}: the directory {Path.GetDirectoryName(full)} does not exist");
        }

        var options = new KafkaOptions { BootstrapServers = bootstrap, ClientId = "clickpredict-export" };
        if (discovery is not null)
        {
            options.Embedded.DiscoveryDirectory = discovery;
        }

        using var broker = options.UsesEmbeddedBroker ? JoinEmbedded(options) : null;
        var clients = new KafkaClientFactory(Options.Create(options), logger: null, broker);
        var exporter = new ExampleExporter(clients);
        List<LabeledExample> examples = [];
        try
        {
            new Progress(context).Run($"export {topic}", null, p =>
            {
                examples = exporter.Export(topic, from, to, timeout, (read, total) =>
                    p.Update(read, string.Create(CultureInfo.InvariantCulture, $"{read:N0} of {total:N0} messages")));
                p.Finish(exporter.MessagesRead, string.Create(CultureInfo.InvariantCulture, $"{examples.Count:N0} examples kept"));
            });
        }
        catch (KafkaException e)
        {
            throw new CliException($"Kafka at {clients.BootstrapServers}: {e.Error.Reason}", e);
        }

        long clicks = 0;
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                foreach (var example in examples)
                {
                    EventSerializer.Serialize(stream, example);
                    clicks += example.Clicked ? 1 : 0;
                }
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        var span = examples.Count == 0
            ? string.Empty
            : $", bid times {DateTimeOffset.FromUnixTimeMilliseconds(examples[0].BidTimeUnixMs).UtcDateTime:O} to {DateTimeOffset.FromUnixTimeMilliseconds(examples[^1].BidTimeUnixMs).UtcDateTime:O}";
        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"wrote {examples.Count:N0} examples ({clicks:N0} clicks) of {exporter.MessagesRead:N0} messages in {exporter.Partitions} partition(s) of {topic} at {clients.BootstrapServers} to {outputPath}{span}"));
        return CliApp.Ok;
    }

    /// <summary>The embedded broker another process runs; starting an empty one of our own would export nothing.</summary>
    private static EmbeddedKafkaBroker JoinEmbedded(KafkaOptions options)
    {
        var broker = EmbeddedKafkaBroker.Acquire(options);
        if (broker.IsOwner)
        {
            broker.Dispose();
            var directory = string.IsNullOrWhiteSpace(options.Embedded.DiscoveryDirectory) ? EmbeddedKafkaBroker.DefaultDiscoveryDirectory : options.Embedded.DiscoveryDirectory;
            throw new CliException($"no embedded Kafka broker is running on this machine (none advertised in {directory}); start the trainer or the demo first, or give --bootstrap-servers host:port");
        }

        return broker;
    }
}
