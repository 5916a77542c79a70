using ClickPredict.Bidder.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;

namespace ClickPredict.Bidder.Hosting;

/// <summary>
/// Telemetry and health, as every service here has them: OpenTelemetry metrics exported for
/// Prometheus at <c>/metrics</c> (the bidder's, the Kafka producer's and Kestrel's meters),
/// <c>/healthz</c> (the process is up) and <c>/readyz</c> (a model is loaded).
/// </summary>
internal static class ServiceDefaults
{
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BidderMetrics.MeterName, "ClickPredict.Kafka", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        builder.Services.AddHealthChecks().AddCheck<ModelReadyHealthCheck>("model", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
