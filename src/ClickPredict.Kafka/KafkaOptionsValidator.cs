using System.Globalization;
using Microsoft.Extensions.Options;

namespace ClickPredict.Kafka;

/// <summary>
/// Checks <see cref="KafkaOptions"/> at start. Every failure names the configuration key it is about
/// (<c>Kafka:Topics:Bids must not be empty</c>), so a bad deployment stops with a message an operator
/// can act on.
/// </summary>
public sealed class KafkaOptionsValidator : IValidateOptions<KafkaOptions>
{
    private const string S = KafkaOptions.SectionName;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        ValidateBootstrapServers(options.BootstrapServers, failures);
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{S}:ClientId must not be empty.");
        }

        var topics = options.Topics;
        if (topics is null)
        {
            failures.Add($"{S}:Topics must be set.");
        }
        else
        {
            ValidateTopic("Bids", topics.Bids, failures);
            ValidateTopic("Impressions", topics.Impressions, failures);
            ValidateTopic("Clicks", topics.Clicks, failures);
            ValidateTopic("Examples", topics.Examples, failures);
            ValidateTopic("Losses", topics.Losses, failures);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var topic in topics.All)
            {
                if (!string.IsNullOrWhiteSpace(topic) && !seen.Add(topic))
                {
                    failures.Add($"{S}:Topics: the name '{topic}' is used for more than one topic.");
                }
            }
        }

        Range("Partitions", options.Partitions, 1, 10_000, failures);
        if (options.ReplicationFactor is 0 or < -1)
        {
            failures.Add($"{S}:ReplicationFactor must be -1 (broker default) or at least 1, but was {options.ReplicationFactor}.");
        }

        if (options.Producer is null)
        {
            failures.Add($"{S}:Producer must be set.");
        }
        else
        {
            // Ranges are librdkafka's own for the corresponding properties.
            Range("Producer:QueueMaxMessages", options.Producer.QueueMaxMessages, 1, 2_147_483_647, failures);
            Range("Producer:QueueMaxKbytes", options.Producer.QueueMaxKbytes, 1, 2_147_483_647, failures);
            Range("Producer:MessageTimeoutMs", options.Producer.MessageTimeoutMs, 1, 2_147_483_647, failures);
            Range("Producer:LingerMs", options.Producer.LingerMs, 0, 900_000, failures);
            Range("Producer:FlushTimeoutMs", options.Producer.FlushTimeoutMs, 0, 600_000, failures);
        }

        if (options.Embedded is null)
        {
            failures.Add($"{S}:Embedded must be set.");
        }
        else
        {
            Range("Embedded:Brokers", options.Embedded.Brokers, 1, 16, failures);
            var directory = options.Embedded.DiscoveryDirectory;
            if (!string.IsNullOrEmpty(directory) && directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                failures.Add($"{S}:Embedded:DiscoveryDirectory is not a valid path: '{directory}'.");
            }
        }

        foreach (var (key, value) in options.Client ?? [])
        {
            if (string.IsNullOrWhiteSpace(key) || key.Any(char.IsWhiteSpace))
            {
                failures.Add($"{S}:Client has an invalid librdkafka property name '{key}'.");
            }
            else if (value is null)
            {
                failures.Add($"{S}:Client:{key} must have a value.");
            }
            else if (key is "bootstrap.servers" or "metadata.broker.list")
            {
                failures.Add($"{S}:Client:{key} is not allowed; set {S}:BootstrapServers instead.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateBootstrapServers(string? servers, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(servers))
        {
            failures.Add($"{S}:BootstrapServers must not be empty (use '{KafkaOptions.EmbeddedBootstrap}' for the embedded broker).");
            return;
        }

        if (string.Equals(servers.Trim(), KafkaOptions.EmbeddedBootstrap, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        foreach (var raw in servers.Split(','))
        {
            var server = raw.Trim();
            // host:port, where host may be a bracketed IPv6 literal; librdkafka also accepts a protocol prefix.
            var schemeEnd = server.IndexOf("://", StringComparison.Ordinal);
            var hostPort = schemeEnd >= 0 ? server[(schemeEnd + 3)..] : server;
            var colon = hostPort.LastIndexOf(':');
            var host = colon > 0 ? hostPort[..colon].Trim('[', ']') : string.Empty;
            if (host.Length == 0
                || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
                || port is < 1 or > 65535)
            {
                failures.Add($"{S}:BootstrapServers has '{server}', which is not host:port (or use '{KafkaOptions.EmbeddedBootstrap}').");
            }
        }
    }

    private static void ValidateTopic(string key, string? topic, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            failures.Add($"{S}:Topics:{key} must not be empty.");
            return;
        }

        // Kafka's own rule: at most 249 characters of [a-zA-Z0-9._-], and not "." or "..".
        if (topic.Length > 249 || topic is "." or ".." || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            failures.Add($"{S}:Topics:{key} '{topic}' is not a valid Kafka topic name (up to 249 of a-z A-Z 0-9 . _ -).");
        }
    }

    private static void Range(string key, long value, long min, long max, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add($"{S}:{key} must be between {min} and {max}, but was {value}.");
        }
    }
}
