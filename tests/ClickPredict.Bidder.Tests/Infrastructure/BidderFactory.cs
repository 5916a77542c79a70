using System.Net;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Hosting;
using ClickPredict.Core.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>
/// The real bidder (Program) on Kestrel at 127.0.0.1 on a free port, with its registry in a temporary
/// directory, a test clock, and settings the test adds on top of config/bidder.json.
/// </summary>
public class BidderFactory : WebApplicationFactory<Program>
{
    public const string AdminToken = "test-admin-token-0123456789";
    public static readonly DateTimeOffset StartTime = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private HttpClient? _client;

    // Program turns on the runtime's inline socket completions for its process unless the variable is set
    // (InlineSockets); here that process is the test host, whose other sockets should not depend on which
    // test opened the first one. Kestrel's half of Bidder:InlineScheduling still applies to each server.
    static BidderFactory() => Environment.SetEnvironmentVariable(InlineSockets.Variable, Environment.GetEnvironmentVariable(InlineSockets.Variable) ?? "0");

    public BidderFactory()
    {
        Directory = Path.Combine(Path.GetTempPath(), "clickpredict-bidder-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        RegistryPath = Path.Combine(Directory, "registry");
        Settings["Registry:Path"] = RegistryPath;
        Settings["Registry:DefaultModelPath"] = Path.Combine(Directory, "default.cpm");
        Settings["Registry:PollIntervalMs"] = "100";
        Settings["Admin:Token"] = AdminToken;
        Settings["Bidder:FxRates:EUR"] = "0.9";
        Settings["Bidder:PublicBaseUrl"] = "http://127.0.0.1:5080";

        // Each test server runs a broker of its own, neither advertised to nor joined from other processes.
        Settings["Kafka:Embedded:Shared"] = "false";
    }

    /// <summary>Per-test scratch: registry, model files, campaign files.</summary>
    public string Directory { get; }

    public string RegistryPath { get; }

    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public TestClock Clock { get; } = new(StartTime);

    /// <summary>Whether starting the server waits until the bidder has read today's fleet spend back (default true).</summary>
    public bool WaitForFleet { get; set; } = true;

    /// <summary>The client for the Kestrel server (started on first use): no redirects followed, no automatic decompression.</summary>
    public HttpClient Client => _client ??= StartClient();

    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>The app's services; starts the Kestrel server first (the factory would otherwise start an in-memory one).</summary>
    public override IServiceProvider Services
    {
        get
        {
            _ = Client;
            return base.Services;
        }
    }

    /// <summary>Publishes <paramref name="model"/> to the registry as champion.</summary>
    public void Publish(LogisticModel model) => TestModels.Publish(RegistryPath, model);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(Settings));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    protected override void Dispose(bool disposing)
    {
        _client?.Dispose();
        try
        {
            base.Dispose(disposing);
        }
        catch (ObjectDisposedException) when (disposing)
        {
            // With Kestrel, Program's own app.Run() is running too: stopping makes it stop and dispose the
            // host while the factory stops it as well, so a hosted service can be stopped after it was
            // disposed (KafkaStartup then throws). The server is down either way; nothing is lost.
        }
        finally
        {
            if (disposing)
            {
                try
                {
                    System.IO.Directory.Delete(Directory, recursive: true);
                }
                catch (IOException)
                {
                    // A file still open on a slow shutdown: the temp folder is cleaned some other day.
                }
            }
        }
    }

    private HttpClient StartClient()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        if (WaitForFleet)
        {
            // The bidder answers no-bid until it has read today's spend back from its broker (an empty
            // topic here, or what the test put there): wait for that, bounded, so tests start from bidding.
            var ready = base.Services.GetRequiredService<BudgetLedger>().WhenReady;
            if (!ready.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("the bidder did not read its fleet spend back within 60 s");
            }
        }

        var addresses = base.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None };
        return new HttpClient(handler) { BaseAddress = new Uri(addresses.First()) };
    }
}
