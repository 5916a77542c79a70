using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClickPredict.Kafka.Embedded;

namespace ClickPredict.Kafka.Tests;

public class EmbeddedKafkaBrokerTests
{
    [Fact]
    public void Acquire_StartsAndAdvertisesABroker_WithTheConfiguredTopics_WhenNoneIsAdvertised()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        var options = Options(directory, o => o.Partitions = 3);

        using (var broker = EmbeddedKafkaBroker.Acquire(options))
        {
            Assert.True(broker.IsOwner);
            Assert.Equal(Environment.ProcessId, broker.OwnerPid);
            Assert.Equal(directory.Advertisement, broker.AdvertisementPath);
            using var advertisement = JsonDocument.Parse(File.ReadAllText(directory.Advertisement));
            Assert.Equal(Environment.ProcessId, advertisement.RootElement.GetProperty("pid").GetInt32());
            Assert.Equal(broker.BootstrapServers, advertisement.RootElement.GetProperty("bootstrapServers").GetString());
            foreach (var topic in options.Topics.All)
            {
                Assert.Equal(3, TestKafka.PartitionCount(broker.BootstrapServers, topic));
            }
        }

        Assert.False(File.Exists(directory.Advertisement));
    }

    [Fact]
    public void Acquire_ReusesTheAdvertisedBroker_AndOnlyTheOwnerStopsIt()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var owner = EmbeddedKafkaBroker.Acquire(Options(directory));

        // A second resolver with the same discovery directory, as a second process would have.
        var joined = EmbeddedKafkaBroker.Acquire(Options(directory));

        Assert.False(joined.IsOwner);
        Assert.Null(joined.Cluster);
        Assert.Equal(owner.BootstrapServers, joined.BootstrapServers);
        Assert.Equal(Environment.ProcessId, joined.OwnerPid);

        joined.Dispose();
        Assert.True(File.Exists(directory.Advertisement));
        Assert.False(owner.Cluster!.IsDisposed);
        Assert.Equal(4, TestKafka.PartitionCount(owner.BootstrapServers, "clickpredict.bids"));

        owner.Dispose();
        Assert.False(File.Exists(directory.Advertisement));
        Assert.True(owner.Cluster.IsDisposed);
    }

    [Fact]
    public void Acquire_IgnoresAnAdvertisementOfADeadProcess()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var exited = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        exited.WaitForExit();
        Advertise(directory, exited.Id, DateTime.UtcNow, "127.0.0.1:9");

        using var broker = EmbeddedKafkaBroker.Acquire(Options(directory));

        Assert.True(broker.IsOwner);
        Assert.NotEqual("127.0.0.1:9", broker.BootstrapServers);
        using var advertisement = JsonDocument.Parse(File.ReadAllText(directory.Advertisement));
        Assert.Equal(Environment.ProcessId, advertisement.RootElement.GetProperty("pid").GetInt32());
    }

    [Fact]
    public void Acquire_IgnoresAnAdvertisement_WhenNothingListensAtItsAddress()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var self = Process.GetCurrentProcess();
        Advertise(directory, Environment.ProcessId, self.StartTime.ToUniversalTime(), "127.0.0.1:" + ClosedPort());

        using var broker = EmbeddedKafkaBroker.Acquire(Options(directory));

        Assert.True(broker.IsOwner);
    }

    [Fact]
    public void Acquire_IgnoresAnAdvertisement_WhosePidWasReusedByAnotherProcess()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var owner = EmbeddedKafkaBroker.Acquire(Options(directory, o => o.Embedded.Shared = false));
        // Our pid, but a start time an hour off: the process that wrote this is gone.
        using var self = Process.GetCurrentProcess();
        Advertise(directory, Environment.ProcessId, self.StartTime.ToUniversalTime().AddHours(-1), owner.BootstrapServers);

        using var broker = EmbeddedKafkaBroker.Acquire(Options(directory));

        Assert.True(broker.IsOwner);
        Assert.NotEqual(owner.BootstrapServers, broker.BootstrapServers);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"pid\": 0}")]
    [InlineData("[1,2]")]
    public void Acquire_IgnoresACorruptAdvertisement(string content)
    {
        using var directory = TestKafka.DiscoveryDirectory();
        File.WriteAllText(directory.Advertisement, content);

        using var broker = EmbeddedKafkaBroker.Acquire(Options(directory));

        Assert.True(broker.IsOwner);
        Assert.Contains(broker.BootstrapServers, File.ReadAllText(directory.Advertisement), StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_WhenNotShared_NeitherReadsNorWritesTheAdvertisement()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var shared = EmbeddedKafkaBroker.Acquire(Options(directory));
        var before = File.ReadAllText(directory.Advertisement);

        using var isolated = EmbeddedKafkaBroker.Acquire(Options(directory, o => o.Embedded.Shared = false));

        Assert.True(isolated.IsOwner);
        Assert.Null(isolated.AdvertisementPath);
        Assert.NotEqual(shared.BootstrapServers, isolated.BootstrapServers);
        Assert.Equal(before, File.ReadAllText(directory.Advertisement));
    }

    [Fact]
    public void Dispose_LeavesAnotherProcesssAdvertisementInPlace()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        var first = EmbeddedKafkaBroker.Acquire(Options(directory));
        // Someone else advertised meanwhile (e.g. after a stale-lock timeout).
        Advertise(directory, 1, DateTime.UtcNow, "127.0.0.1:9");

        first.Dispose();

        Assert.True(File.Exists(directory.Advertisement));
    }

    [Fact]
    public void Acquire_StartsAPrivateBroker_WhenTheDiscoveryDirectoryCannotBeCreated()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        var blocker = Path.Combine(directory.Path, "a-file");
        File.WriteAllText(blocker, "not a directory");

        using var broker = EmbeddedKafkaBroker.Acquire(Options(directory, o => o.Embedded.DiscoveryDirectory = Path.Combine(blocker, "sub")));

        Assert.True(broker.IsOwner);
        Assert.Null(broker.AdvertisementPath);
    }

    internal static KafkaOptions Options(TempDirectory directory, Action<KafkaOptions>? configure = null)
    {
        var options = new KafkaOptions();
        options.Embedded.DiscoveryDirectory = directory.Path;
        TestKafka.QuickReconnects(options);
        configure?.Invoke(options);
        return options;
    }

    private static void Advertise(TempDirectory directory, int pid, DateTime processStartUtc, string servers) =>
        File.WriteAllText(directory.Advertisement, JsonSerializer.Serialize(new
        {
            pid,
            processStartUtc,
            bootstrapServers = servers,
            brokers = 1,
            createdUtc = DateTime.UtcNow,
        }));

    /// <summary>A loopback port nothing listens on (bound and released again).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
