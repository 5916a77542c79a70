using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClickPredict.Kafka.Embedded;

namespace ClickPredict.Kafka.Tests;

/// <summary>
/// A real second process (this test assembly started again through <see cref="HelperProgram"/>)
/// finds and uses the embedded broker through the discovery directory.
/// </summary>
public class CrossProcessTests
{
    [Fact]
    public void SecondProcess_JoinsThisProcesssBroker_AndItsEventsArrive()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var owner = EmbeddedKafkaBroker.Acquire(EmbeddedKafkaBrokerTests.Options(directory));

        using var helper = StartHelper("join-produce", directory.Path, "clickpredict.bids", "25");
        var output = helper.StandardOutput.ReadToEnd();
        Assert.True(helper.WaitForExit(TestKafka.Patience), "helper did not finish");

        Assert.Equal(0, helper.ExitCode);
        Assert.Contains($"joined=True owner={Environment.ProcessId} servers={owner.BootstrapServers}", output, StringComparison.Ordinal);
        Assert.Contains("delivered=25", output, StringComparison.Ordinal);
        var read = TestKafka.ReadTopic(owner.BootstrapServers, "clickpredict.bids", 4, 25);
        Assert.Equal(25, read.Count);
        Assert.All(read, r => Assert.Equal(helper.Id, BitConverter.ToInt32(r.Message.Value)));
    }

    [Fact]
    public void ThisProcess_UsesABrokerOfAnotherProcess_AndTakesOverAfterThatProcessIsKilled()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var helper = StartHelper("own-and-wait", directory.Path);
        try
        {
            var line = helper.StandardOutput.ReadLine();
            Assert.NotNull(line);
            Assert.StartsWith("owner=True servers=", line, StringComparison.Ordinal);
            var helperServers = line["owner=True servers=".Length..];

            using (var joined = EmbeddedKafkaBroker.Acquire(EmbeddedKafkaBrokerTests.Options(directory)))
            {
                Assert.False(joined.IsOwner);
                Assert.Equal(helper.Id, joined.OwnerPid);
                Assert.Equal(helperServers, joined.BootstrapServers);

                // Events from this process go to the other process's broker and can be read back.
                var clients = TestKafka.Factory(EmbeddedKafkaBrokerTests.Options(directory), joined);
                using (var producer = TestKafka.Producer(clients))
                {
                    Assert.True(producer.TryProduce("clickpredict.clicks", "bid-1", [42]));
                    Assert.Equal(0, producer.Flush(TestKafka.Patience));
                    Assert.Equal(1, producer.Delivered);
                }

                Assert.Single(TestKafka.ReadTopic(joined.BootstrapServers, "clickpredict.clicks", 4, 1));
            }

            // Killed without cleaning up: its advertisement stays behind, naming a dead process.
            helper.Kill();
            Assert.True(helper.WaitForExit(TestKafka.Patience));
            using (var stale = JsonDocument.Parse(File.ReadAllText(directory.Advertisement)))
            {
                Assert.Equal(helper.Id, stale.RootElement.GetProperty("pid").GetInt32());
            }

            using var successor = EmbeddedKafkaBroker.Acquire(EmbeddedKafkaBrokerTests.Options(directory));

            Assert.True(successor.IsOwner);
            Assert.NotEqual(helperServers, successor.BootstrapServers);
            using var fresh = JsonDocument.Parse(File.ReadAllText(directory.Advertisement));
            Assert.Equal(Environment.ProcessId, fresh.RootElement.GetProperty("pid").GetInt32());
        }
        finally
        {
            if (!helper.HasExited)
            {
                helper.Kill();
            }
        }
    }

    [Fact]
    public void Process_ExitsCleanly_WithABrokerAndAProducerNeverDisposed()
    {
        using var directory = TestKafka.DiscoveryDirectory();
        using var helper = StartHelper("exit-undisposed", directory.Path);
        var output = helper.StandardOutput.ReadToEnd();
        var errors = helper.StandardError.ReadToEnd();
        Assert.True(helper.WaitForExit(TestKafka.Patience), "helper did not exit");

        Assert.Equal(0, helper.ExitCode);
        Assert.Contains("delivered=1", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, errors);
    }

    private static Process StartHelper(params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(HelperProgram).Assembly.Location);
        start.ArgumentList.Add(HelperProgram.Verb);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the helper process");
    }

    /// <summary>The dotnet host running this test process (the test host runs under it), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
            ? host
            : "dotnet";
    }
}
