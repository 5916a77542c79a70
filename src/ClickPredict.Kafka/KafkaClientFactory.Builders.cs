using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Kafka;

public sealed partial class KafkaClientFactory
{
    /// <summary>
    /// Builds a consumer from <paramref name="config"/> whose librdkafka log lines go to
    /// <paramref name="logger"/> (through the one handler, <see cref="LogLibrdkafka"/>);
    /// <paramref name="configure"/> adds handlers (rebalance, errors) before it is built.
    /// </summary>
    public static IConsumer<TKey, TValue> BuildConsumer<TKey, TValue>(ConsumerConfig config, ILogger logger, Action<ConsumerBuilder<TKey, TValue>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = new ConsumerBuilder<TKey, TValue>(config).SetLogHandler((_, message) => LogLibrdkafka(logger, message));
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Builds a producer from <paramref name="config"/> whose librdkafka log lines go to <paramref name="logger"/>.</summary>
    public static IProducer<TKey, TValue> BuildProducer<TKey, TValue>(ProducerConfig config, ILogger logger, Action<ProducerBuilder<TKey, TValue>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(logger);
        var builder = new ProducerBuilder<TKey, TValue>(config).SetLogHandler((_, message) => LogLibrdkafka(logger, message));
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>
    /// An error handler that logs a client's errors to <paramref name="logger"/>: fatal ones always, others at
    /// most once per 10 s, so an outage (a reconnect failure a second) does not flood the log.
    /// </summary>
    public static Action<TClient, Error> LogErrors<TClient>(ILogger logger)
    {
        var throttle = new LogThrottle();
        return (_, error) => throttle.LogIfDue(logger, error);
    }

    /// <summary>An admin client for the configured cluster whose librdkafka log lines go to <paramref name="logger"/>.</summary>
    public IAdminClient BuildAdminClient(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return new AdminClientBuilder(CreateAdminClientConfig()).SetLogHandler((_, message) => LogLibrdkafka(logger, message)).Build();
    }
}
