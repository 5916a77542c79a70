using System.Net;
using System.Net.Sockets;

namespace ClickPredict.Cli.Tests.Docker;

/// <summary>
/// The Dockerfile's stages played out in temporary folders (there is no Docker daemon in the test
/// environment): the build stage gets exactly what its COPY lines take from the repository (minus
/// what <c>.dockerignore</c> leaves out) and runs its <c>dotnet publish</c> commands as written, so a
/// project outside what it copies, or a publish that fails, fails here; then each service stage is
/// assembled (the runtime files from the context, the published output from the build stage), its
/// ENTRYPOINT started from its WORKDIR with its ENV, and its HEALTHCHECK URL must answer 200.
/// Slow (two Release publishes, about a minute or two here), hence its own category; it runs in
/// <c>dotnet test ClickPredict.sln</c> like every other test. It works in its own folders, so it does
/// not collide with the solution's builds.
/// </summary>
public class DockerfilePublishTests
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(120);

    [Fact]
    [Trait("Category", "Publish")]
    public async Task BuildStage_PublishesBothServices_AndEachServiceImageStartsAndPassesItsHealthCheck()
    {
        using var temp = new TempDirectory();
        var dockerfile = DockerfileModel.Load();
        var ignore = DockerIgnore.Load();
        var built = new Dictionary<string, StageFolder>(StringComparer.Ordinal);

        // The stages the service stages copy from (the build stage), then each service stage.
        var services = dockerfile.ServiceStages.ToList();
        Assert.NotEmpty(services);
        foreach (var name in services.SelectMany(s => dockerfile.Effective(s)).Where(i => i.Keyword == "COPY")
                     .Select(DockerCopy.Parse).Where(c => !c.FromContext).Select(c => c.FromStage!).Distinct())
        {
            var stage = dockerfile.Stage(name);
            var folder = new StageFolder(Path.Combine(temp.Path, name));
            await folder.ApplyAsync(dockerfile.Effective(stage), ignore, built);
            built[name] = folder;
            AssertPublishedOutputs(stage, folder);
        }

        foreach (var stage in services)
        {
            var folder = new StageFolder(Path.Combine(temp.Path, "image-" + stage.Name));
            await folder.ApplyAsync(dockerfile.Effective(stage), ignore, built);
            await AssertStartsHealthyAsync(dockerfile, stage, folder, temp);
        }
    }

    /// <summary>Each publish output has the assembly, its runtime files, and librdkafka for the Linux images (x64 and arm64).</summary>
    private static void AssertPublishedOutputs(DockerStage stage, StageFolder folder)
    {
        foreach (var publish in DockerfileModel.PublishCommands(stage))
        {
            var output = folder.HostPath(publish.Output!);
            var assembly = publish.AssemblyName(Path.Combine(CliRunner.RepoRoot, publish.Project));
            foreach (var file in new[]
            {
                assembly + ".dll",
                assembly + ".deps.json",
                assembly + ".runtimeconfig.json",
                "runtimes/linux-x64/native/librdkafka.so",
                "runtimes/linux-arm64/native/librdkafka.so",
            })
            {
                Assert.True(File.Exists(Path.Combine(output, file)), $"'{publish.Project}' published no {file} to {publish.Output}");
            }
        }
    }

    /// <summary>
    /// Runs the stage's ENTRYPOINT as the container would, except that it listens on a free port of
    /// 127.0.0.1 instead of the container's 8080 on every interface, and its embedded Kafka broker
    /// is private to it (in a container nothing else would find it either); then asks its HEALTHCHECK URL.
    /// </summary>
    private static async Task AssertStartsHealthyAsync(DockerfileModel dockerfile, DockerStage stage, StageFolder folder, TempDirectory temp)
    {
        var entrypoint = dockerfile.Entrypoint(stage);
        Assert.Equal("dotnet", entrypoint[0]);
        var port = FreePort();
        var environment = new Dictionary<string, string>(folder.Environment, StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Kafka__Embedded__Shared"] = "false",
            ["Kafka__Embedded__DiscoveryDirectory"] = Path.Combine(temp.Path, "kafka-" + stage.Name),
        };
        var health = dockerfile.HealthCheckUrl(stage);
        var url = new Uri($"http://127.0.0.1:{port}{health.PathAndQuery}");

        using var service = ChildProcess.Start(
            ChildProcess.DotnetHost(),
            entrypoint.Skip(1).Select(a => a.StartsWith('/') ? folder.HostPath(a) : a),
            folder.HostPath(folder.Workdir),
            environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var status = (HttpStatusCode)0;
        var deadline = DateTime.UtcNow + s_startLimit;
        while (!service.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(url);
                status = response.StatusCode;
                if (status == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // No answer within the client's timeout yet.
            }

            await Task.Delay(250);
        }

        Assert.True(status == HttpStatusCode.OK, $"stage '{stage.Name}': {url} answered {(int)status} (process {(service.HasExited ? "exited" : "running")}); its output ended with:\n{service.Tail()}");
        service.Kill();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
