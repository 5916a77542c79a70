using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ClickPredict.Bidder.Hosting;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Embedded;
using ClickPredict.Trainer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// The whole system in this process, as the demo runs it: librdkafka's mock cluster, one or more bidders
/// on 127.0.0.1 (each on its own port, sharing the broker, the registry and the notice key, as a fleet
/// behind a load balancer does) and the trainer, each built by its own application builder (what its
/// Program.cs runs), with the shipped config files beneath a few overrides: the demo's broker, a fresh
/// registry and trainer state, short click windows and a retrain every few seconds, so that a few
/// minutes show what takes hours in production. With <see cref="DemoSettings.BudgetUsd"/> the bidders
/// read a copy of the shipped campaigns whose daily budgets are that amount, spent as fast as traffic
/// allows (no even pacing), so budgets bind within the run.
/// </summary>
internal sealed class DemoSystem : IAsyncDisposable
{
    private readonly bool _ownsDirectory;
    private readonly WebApplication?[] _bidders;
    private readonly Func<int, string[]> _bidderArguments;
    private bool _stopped;

    private DemoSystem(EmbeddedKafkaCluster cluster, WebApplication?[] bidders, Func<int, string[]> bidderArguments, WebApplication trainer, Uri[] bidderUrls, Uri trainerUrl, string directory, bool ownsDirectory, DemoLog log)
    {
        Cluster = cluster;
        _bidders = bidders;
        _bidderArguments = bidderArguments;
        Trainer = trainer;
        BidderUrls = bidderUrls;
        TrainerUrl = trainerUrl;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        Log = log;
    }

    public EmbeddedKafkaCluster Cluster { get; }

    public WebApplication Trainer { get; }

    /// <summary>Each bidder's address, by slot (a restarted bidder comes back at its slot's address).</summary>
    public IReadOnlyList<Uri> BidderUrls { get; }

    /// <summary>The first bidder's address (the one whose status page the demo shows).</summary>
    public Uri BidderUrl => BidderUrls[0];

    public Uri TrainerUrl { get; }

    /// <summary>Holds <c>registry/</c> (what the trainer publishes and the bidder watches) and <c>state/</c> (the trainer's checkpoints).</summary>
    public string Directory { get; }

    /// <summary>The model registry inside <see cref="Directory"/>.</summary>
    public string RegistryPath => RegistryIn(Directory);

    public DemoLog Log { get; }

    private static string RegistryIn(string directory) => Path.Combine(directory, "registry");

    /// <summary>The win-rate model registry: the trainer publishes there, the bidders watch it.</summary>
    public string WinRateRegistryPath => WinRateRegistryIn(Directory);

    private static string WinRateRegistryIn(string directory) => Path.Combine(directory, "winrate");

    public static async Task<DemoSystem> StartAsync(DemoSettings settings, CancellationToken cancellationToken)
    {
        var ownsDirectory = settings.Directory is null;
        var directory = Path.GetFullPath(settings.Directory ?? Path.Combine(Path.GetTempPath(), "clickpredict-demo-" + Guid.NewGuid().ToString("N")[..12]));
        System.IO.Directory.CreateDirectory(directory);
        var log = new DemoLog();
        var cluster = EmbeddedKafkaCluster.Start(1, 4);
        var bidders = new WebApplication?[settings.Bidders];
        WebApplication? trainer = null;
        Func<int, string[]>? bidderArguments = null;
        try
        {
            foreach (var topic in new KafkaOptions().Topics.All)
            {
                cluster.CreateTopic(topic, 4);
            }

            var bidderUrls = Enumerable.Range(0, settings.Bidders).Select(_ => new Uri($"http://127.0.0.1:{FreePort()}")).ToArray();
            var common = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["Kafka:BootstrapServers"] = cluster.BootstrapServers,
                ["Kafka:CreateTopics"] = "false",
                // The broker is local: after an outage, reconnect within a second rather than librdkafka's default ten.
                ["Kafka:Client:reconnect.backoff.ms"] = "100",
                ["Kafka:Client:reconnect.backoff.max.ms"] = "1000",
                ["Registry:Path"] = RegistryIn(directory),
                ["Shading:RegistryPath"] = WinRateRegistryIn(directory),
            };
            foreach (var (key, value) in settings.Configuration)
            {
                common[key] = value;
            }

            // One notice key for the fleet: any bidder verifies the notices of another's bids.
            var hmacKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var adminToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            var campaigns = settings.BudgetUsd is { } budget ? DemoCampaigns.Write(directory, budget) : null;
            bidderArguments = slot =>
            {
                var url = bidderUrls[slot].ToString().TrimEnd('/');
                var own = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["urls"] = url,
                    ["Bidder:PublicBaseUrl"] = url,
                    ["Registry:PollIntervalMs"] = Invariant(DemoSettings.RegistryPollMs),
                    ["Status:BucketSeconds"] = Invariant(settings.BucketSeconds),
                    ["Status:LabelDelaySeconds"] = Invariant(settings.LabelDelaySeconds),
                    ["Notices:HmacKey"] = hmacKey,
                    ["Admin:Token"] = adminToken,
                };
                if (campaigns is not null)
                {
                    own["Bidder:CampaignsPath"] = campaigns;
                }

                return Arguments(common, own);
            };

            for (var slot = 0; slot < bidders.Length; slot++)
            {
                bidders[slot] = await StartBidderAsync(bidderArguments(slot), log, cancellationToken).ConfigureAwait(false);
                using var client = DemoRunner.Client(bidderUrls[slot]);
                await WaitUntilReadyAsync(client, slot, cancellationToken).ConfigureAwait(false);
            }

            var attribution = Invariant(settings.LabelDelaySeconds);
            trainer = TrainerApplication.Build(Arguments(common, new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["urls"] = "http://127.0.0.1:0",
                ["Trainer:StateDirectory"] = Path.Combine(directory, "state"),
                ["Trainer:Joiner:BidWaitSeconds"] = attribution,
                ["Trainer:Joiner:WinWaitSeconds"] = attribution,
                ["Trainer:Joiner:AttributionWindowSeconds"] = attribution,
                ["Trainer:Joiner:CheckpointIntervalMs"] = "1000",
                ["Trainer:Joiner:IdleAdvanceMs"] = "500",
                ["Trainer:Learner:HoldoutExamples"] = "2000",
                ["Trainer:Learner:CheckpointIntervalSeconds"] = "10",
                ["Trainer:Learner:CheckIntervalMs"] = "500",
                ["RetrainPolicy:IntervalSeconds"] = Invariant(settings.RetrainIntervalSeconds),
                ["RetrainPolicy:EarlyMinSeconds"] = Invariant(Math.Max(1, settings.RetrainIntervalSeconds / 2)),
                ["RetrainPolicy:MinNewExamples"] = "1000",
                ["RetrainPolicy:WindowExamples"] = "2000",
                ["RetrainPolicy:MinWindowExamples"] = "500",
                ["Trainer:Learner:Calibration:Enabled"] = "true",
                ["Trainer:Learner:Calibration:HalfLifeExamples"] = Invariant(DemoSettings.CalibrationHalfLifeExamples),
                ["Trainer:Learner:Calibration:TrendHorizonSeconds"] = Invariant(settings.CalibrationTrendHorizonSeconds),
                ["RetrainPolicy:RecalibrateIntervalSeconds"] = Invariant(settings.RecalibrateIntervalSeconds),
                ["RetrainPolicy:RecalibrateMinExamples"] = "200",
                ["Trainer:WinRate:RegistryPath"] = WinRateRegistryIn(directory),
                ["Trainer:WinRate:WinWaitSeconds"] = attribution,
                ["Trainer:WinRate:PublishEveryOutcomes"] = "500",
                ["Trainer:WinRate:MinOutcomes"] = "500",
            }), builder => Quiet(builder, log));
            await trainer.StartAsync(cancellationToken).ConfigureAwait(false);

            return new DemoSystem(cluster, bidders, bidderArguments, trainer, bidderUrls, new Uri(trainer.Urls.First()), directory, ownsDirectory, log);
        }
        catch
        {
            await StopAsync([trainer, .. bidders]).ConfigureAwait(false);
            cluster.Dispose();
            if (ownsDirectory)
            {
                TryDelete(directory);
            }

            throw;
        }
    }

    /// <summary>Stops bidder <paramref name="slot"/> (its event log flushed), as a crash or a redeploy would take it away.</summary>
    public async Task StopBidderAsync(int slot)
    {
        var bidder = Interlocked.Exchange(ref _bidders[slot], null);
        await StopAsync(bidder).ConfigureAwait(false);
    }

    /// <summary>Starts bidder <paramref name="slot"/> again at its address, with its configuration (it rebuilds today's spend before it bids).</summary>
    public async Task StartBidderAsync(int slot, CancellationToken cancellationToken)
    {
        var bidder = await StartBidderAsync(_bidderArguments(slot), Log, cancellationToken).ConfigureAwait(false);
        if (Interlocked.CompareExchange(ref _bidders[slot], bidder, null) is not null)
        {
            await StopAsync(bidder).ConfigureAwait(false);
            throw new InvalidOperationException($"bidder {slot} is already running");
        }
    }

    /// <summary>Stops the trainer (a final checkpoint), then the bidders (flushing their event logs), then the broker.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await StopAsync([Trainer, .. _bidders]).ConfigureAwait(false);
        Cluster.Dispose();
        if (_ownsDirectory)
        {
            TryDelete(Directory);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private static async Task StopAsync(params WebApplication?[] apps)
    {
        foreach (var app in apps)
        {
            if (app is null)
            {
                continue;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Never started (start-up failed): nothing to stop.
            }

            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>How long a bidder may take to serve a model and read the day's spend back before the demo gives up on it.</summary>
    public static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(60);

    /// <summary>Waits until the bidder behind <paramref name="client"/> says ready (<c>/readyz</c>), as a load balancer would before sending it traffic.</summary>
    /// <exception cref="InvalidOperationException">Not ready within <see cref="ReadyWithin"/>.</exception>
    public static async Task WaitUntilReadyAsync(HttpClient client, int slot, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReadyWithin;
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/readyz", cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"bidder {slot} did not say ready within {ReadyWithin.TotalSeconds:0} s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<WebApplication> StartBidderAsync(string[] arguments, DemoLog log, CancellationToken cancellationToken)
    {
        var bidder = BidderApplication.Build(arguments, builder => Quiet(builder, log));
        try
        {
            await bidder.StartAsync(cancellationToken).ConfigureAwait(false);
            return bidder;
        }
        catch
        {
            await StopAsync(bidder).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Overrides as command-line arguments: above the config files, as an operator's would be.</summary>
    private static string[] Arguments(Dictionary<string, string> common, Dictionary<string, string> own) =>
        [.. common.Concat(own).Select(pair => $"--{pair.Key}={pair.Value}")];

    /// <summary>The live view owns the console: logs go to <see cref="DemoLog"/>, and Ctrl-C is the demo's, not each host's.</summary>
    private static void Quiet(WebApplicationBuilder builder, DemoLog log)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.Services.AddSingleton<IHostLifetime, DemoHostLifetime>();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleaner; the demo's result does not depend on it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A host lifetime that leaves Ctrl-C and SIGTERM to the demo, which stops the hosts in order.</summary>
    private sealed class DemoHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
