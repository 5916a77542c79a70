using ClickPredict.Bidder.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClickPredict.Bidder.Hosting;

/// <summary><c>/readyz</c>: ready once a model is in service (before that every bid is a no-bid).</summary>
internal sealed class ModelReadyHealthCheck(ModelHolder models) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(models.Current is { } model
            ? HealthCheckResult.Healthy($"serving {model.Label}")
            : HealthCheckResult.Unhealthy("no model loaded yet"));
}
