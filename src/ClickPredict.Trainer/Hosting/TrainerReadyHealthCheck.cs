using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClickPredict.Trainer.Hosting;

/// <summary><c>/readyz</c>: ready while every enabled loop (joiner, learner) runs.</summary>
internal sealed class TrainerReadyHealthCheck(TrainerStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (status.Failure is { } failure)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(failure));
        }

        if (status.JoinerRunning == false || status.LearnerRunning == false)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("a trainer loop is not running"));
        }

        if (status.JoinerRunning is null && status.LearnerRunning is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("starting"));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{status.JoinerPartitions} joiner partition(s), {status.ExamplesLearned} example(s) learned, champion {status.Champion ?? "none"}"));
    }
}
