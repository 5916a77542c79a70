namespace ClickPredict.Trainer.Hosting;

/// <summary>
/// A trainer loop (the joiner's, the learner's) on its own long-running thread. A stop
/// (<see cref="StopAsync"/>) lets the loop finish as it should: <see cref="Graceful"/> is set, so it
/// checkpoints, commits and leaves its consumer group. A dispose without a stop (a host torn down
/// abruptly: what tests use to simulate a crash) cancels it where it is, with no final checkpoint.
/// </summary>
internal abstract class TrainerLoop : BackgroundService
{
    private volatile bool _graceful;
    private Task _loop = Task.CompletedTask;

    /// <summary>Whether the loop ends because the service is stopping, rather than being torn down.</summary>
    protected bool Graceful => _graceful;

    /// <summary>Whether this loop runs at all (its configuration section's <c>Enabled</c>).</summary>
    protected abstract bool Enabled { get; }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _graceful = true;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>Called on the host's thread just before the loop starts (e.g. to report it running).</summary>
    protected abstract void Starting();

    /// <summary>The loop; returns when <paramref name="token"/> fires (or it fails for good).</summary>
    protected abstract void Run(CancellationToken token);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return Task.CompletedTask;
        }

        Starting();
        _loop = Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return _loop;
    }
}
