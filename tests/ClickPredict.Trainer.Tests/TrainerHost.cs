using ClickPredict.Kafka.Embedded;
using ClickPredict.Trainer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Trainer.Tests;

/// <summary>
/// The trainer wired exactly as Program.cs wires it, on Kestrel at 127.0.0.1 on a free port, pointed at a
/// test's embedded cluster, with its state and registry in the test's directory. <see cref="StopAsync"/>
/// is a clean stop; <see cref="CrashAsync"/> tears the host down without stopping it (no final
/// checkpoint, no flush, no commit, no leaving the group): what a killed process leaves behind.
/// </summary>
internal sealed class TrainerHost : IAsyncDisposable
{
    private bool _gone;

    private TrainerHost(WebApplication app) => App = app;

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    public TrainerStatus Status => Services.GetRequiredService<TrainerStatus>();

    public Uri BaseAddress => new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Settings every test host gets: the cluster, quick reconnects, small windows, frequent checkpoints.</summary>
    public static Dictionary<string, string?> Defaults(EmbeddedKafkaCluster cluster, string directory) => new(StringComparer.Ordinal)
    {
        ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
        ["Kafka:CreateTopics"] = "false",
        ["Kafka:Client:reconnect.backoff.ms"] = "20",
        ["Kafka:Client:reconnect.backoff.max.ms"] = "200",
        // A killed member's partitions come back after its session times out: keep that short in tests.
        ["Kafka:Client:session.timeout.ms"] = "2000",
        ["Kafka:Client:heartbeat.interval.ms"] = "300",
        ["Trainer:StateDirectory"] = Path.Combine(directory, "state"),
        ["Registry:Path"] = Path.Combine(directory, "registry"),
        ["Trainer:WinRate:RegistryPath"] = Path.Combine(directory, "winrate"),
        ["Registry:DefaultModelPath"] = Path.Combine(directory, "no-default.cpm"),
        ["Trainer:Joiner:BidWaitSeconds"] = "2",
        ["Trainer:Joiner:WinWaitSeconds"] = "2",
        ["Trainer:Joiner:AttributionWindowSeconds"] = "2",
        ["Trainer:Joiner:DedupeRetentionSeconds"] = "600",
        ["Trainer:Joiner:CheckpointIntervalMs"] = "300",
        ["Trainer:Joiner:IdleAdvanceMs"] = "300",
        // The tests' producers deliver within a second of an outage's end: the last auctions close soon after it.
        ["Trainer:Joiner:OutageHoldMs"] = "3000",
        ["Trainer:Learner:HoldoutExamples"] = "500",
        ["Trainer:Learner:CheckpointIntervalSeconds"] = "0.5",
        ["Trainer:Learner:CheckIntervalMs"] = "100",
        ["RetrainPolicy:IntervalSeconds"] = "3600",
        ["RetrainPolicy:EarlyMinSeconds"] = "0",
        ["RetrainPolicy:MinNewExamples"] = "1000000000",
        ["RetrainPolicy:WindowExamples"] = "1000",
        ["RetrainPolicy:MinWindowExamples"] = "500",
    };

    public static async Task<TrainerHost> StartAsync(IDictionary<string, string?> settings, Action<IConfigurationBuilder>? configure = null, ILoggerProvider? logs = null, Action<IServiceCollection>? services = null)
    {
        var app = Build(settings, configure, logs, services);
        await app.StartAsync();
        return new TrainerHost(app);
    }

    public static WebApplication Build(IDictionary<string, string?> settings, Action<IConfigurationBuilder>? configure = null, ILoggerProvider? logs = null, Action<IServiceCollection>? services = null) =>
        TrainerApplication.Build(["--environment=Test"], builder =>
        {
            // Before the trainer's own registrations, which only add what is missing (a test's clock, a frozen meter).
            services?.Invoke(builder.Services);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            if (logs is not null)
            {
                builder.Logging.SetMinimumLevel(LogLevel.Information);
                builder.Logging.AddProvider(logs);
            }

            // Added last, these sources sit above config/trainer.json, which the trainer inserts beneath everything.
            builder.Configuration.AddInMemoryCollection(settings);
            configure?.Invoke(builder.Configuration);
        });

    public async Task StopAsync()
    {
        if (_gone)
        {
            return;
        }

        _gone = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>Disposes the host without stopping it.</summary>
    public async Task CrashAsync()
    {
        if (_gone)
        {
            return;
        }

        _gone = true;
        await App.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
