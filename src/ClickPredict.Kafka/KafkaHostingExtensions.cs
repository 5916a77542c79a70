using ClickPredict.Kafka.Embedded;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClickPredict.Kafka;

/// <summary>Registers the Kafka spine in a host.</summary>
public static class KafkaHostingExtensions
{
    /// <summary>
    /// Adds Kafka to the host: <see cref="KafkaOptions"/> bound from the <c>Kafka</c> section and
    /// validated at start (a bad value or an unknown key stops start-up naming it); with <c>Kafka:BootstrapServers =
    /// embedded</c>, the <see cref="EmbeddedKafkaBroker"/> (started or joined at host start,
    /// disposed by the host after the clients that use it); the <see cref="KafkaClientFactory"/>;
    /// the shared <see cref="EventProducer"/> (flushed and closed at shutdown); the producer
    /// metrics; and a start-up step that creates missing topics (<c>Kafka:CreateTopics</c>).
    /// Calling it twice adds nothing more.
    /// </summary>
    public static IHostApplicationBuilder AddClickPredictKafka(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(KafkaClientFactory)))
        {
            return builder;
        }

        // A key the section does not have (a typo such as Kafka:BootstrapServer) stops start-up naming
        // it, as in the bidder's and the trainer's sections; Kafka:Client takes any librdkafka property.
        services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, KafkaOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<KafkaMetrics>();

        // Singletons created by the container are disposed by it in reverse order of creation: the
        // broker is created while the factory is resolved, so it outlives every client built from it.
        services.TryAddSingleton(sp => EmbeddedKafkaBroker.Acquire(
            sp.GetRequiredService<IOptions<KafkaOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<EmbeddedKafkaBroker>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KafkaOptions>>();
            return new KafkaClientFactory(
                options,
                sp.GetRequiredService<ILogger<KafkaClientFactory>>(),
                options.Value.UsesEmbeddedBroker ? sp.GetRequiredService<EmbeddedKafkaBroker>() : null);
        });
        services.TryAddSingleton(sp => new EventProducer(
            sp.GetRequiredService<KafkaClientFactory>(),
            sp.GetRequiredService<KafkaMetrics>(),
            sp.GetRequiredService<ILogger<EventProducer>>()));
        services.AddHostedService<KafkaStartup>();
        return builder;
    }
}
