using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Kafka;

/// <summary>
/// At host start: resolves the <see cref="KafkaClientFactory"/> (which starts or joins the embedded
/// broker, so it is advertised before the host serves), then, with <c>Kafka:CreateTopics</c>, makes
/// sure the configured topics exist, in the background so an unreachable cluster does not hold up
/// start-up (the producer drops and counts meanwhile).
/// </summary>
internal sealed class KafkaStartup(KafkaClientFactory clients, ILogger<KafkaStartup> logger) : IHostedService, IDisposable
{
    private Task _ensureTopics = Task.CompletedTask;
    private readonly CancellationTokenSource _stopping = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (clients.Options.CreateTopics)
        {
            _ensureTopics = EnsureTopicsAsync(_stopping.Token);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _ensureTopics.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task EnsureTopicsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await clients.EnsureTopicsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is Confluent.Kafka.KafkaException or InvalidOperationException)
        {
            Log.EnsureTopicsFailed(logger, e);
        }
    }
}
