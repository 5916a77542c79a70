using ClickPredict.Bidder.Campaigns;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClickPredict.Bidder.Hosting;

/// <summary>
/// <c>/readyz</c>: unready while today's fleet spend is being read back (every bid is a no-bid until then);
/// degraded (still 200) while bidding on this bidder's own spend because Kafka was unreachable at start.
/// </summary>
internal sealed class FleetReadyHealthCheck(BudgetLedger budgets) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(budgets.State switch
        {
            FleetState.CatchingUp => HealthCheckResult.Unhealthy("reading today's fleet spend back from Kafka"),
            FleetState.Degraded => HealthCheckResult.Degraded("Kafka unreachable at start: bidding on this bidder's own spend (Fleet:StartWithoutKafka)"),
            FleetState.Live => HealthCheckResult.Healthy("fleet spend read back and followed"),
            _ => HealthCheckResult.Healthy("spend kept in this process (Fleet:Enabled is false)"),
        });
}
