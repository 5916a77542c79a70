using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace ClickPredict.ServiceDefaults;

/// <summary>
/// Telemetry and health as every ClickPredict service has them: OpenTelemetry metrics of every
/// <c>ClickPredict.*</c> meter plus Kestrel's and the .NET runtime's (not the per-request hosting histogram), exported for Prometheus at
/// <c>/metrics</c>; <c>/healthz</c> (the process is up: no checks run) and <c>/readyz</c> (every
/// health check tagged <see cref="ReadyTag"/> passes).
/// </summary>
/// <remarks>
/// A service adds its own readiness checks with <c>builder.Services.AddHealthChecks().AddCheck&lt;T&gt;(name,
/// tags: [ServiceDefaultsExtensions.ReadyTag])</c>, and meters outside the <c>ClickPredict.*</c>
/// namespace with <c>builder.Services.ConfigureOpenTelemetryMeterProvider(m =&gt; m.AddMeter(...))</c>.
/// </remarks>
public static class ServiceDefaultsExtensions
{
    /// <summary>Tag of the health checks <c>/readyz</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Path of the liveness endpoint.</summary>
    public const string HealthPath = "/healthz";

    /// <summary>Path of the readiness endpoint.</summary>
    public const string ReadyPath = "/readyz";

    /// <summary>Path of the Prometheus scraping endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Adds OpenTelemetry metrics with the Prometheus exporter, and health checks.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            // Every ClickPredict component names its meter ClickPredict.<Component>.
            .AddMeter("ClickPredict.*")
            // Not Microsoft.AspNetCore.Hosting: its per-request duration histogram would cost every bid
            // request; the bidder keeps its own latency histogram, the trainer serves no traffic.
            .AddMeter("Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddPrometheusExporter());
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthPath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app;
    }
}
