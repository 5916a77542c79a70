using System.Globalization;
using ClickPredict.Kafka.Embedded;

namespace ClickPredict.Kafka.Tests;

/// <summary>
/// The test assembly's entry point (GenerateProgramFile is off): the test runner never calls it, but
/// the cross-process tests start this assembly again as a second ClickPredict process
/// (<c>dotnet ClickPredict.Kafka.Tests.dll kafka-helper ...</c>) that finds the embedded broker
/// through the discovery directory, as the bidder and the trainer do.
/// </summary>
internal static class HelperProgram
{
    public const string Verb = "kafka-helper";

    public static int Main(string[] args)
    {
        if (args.Length < 2 || args[0] != Verb)
        {
            Console.Error.WriteLine($"usage: {Verb} join-produce <discovery-dir> <topic> <count> | {Verb} own-and-wait <discovery-dir> | {Verb} exit-undisposed <discovery-dir>");
            return 64;
        }

        var options = new KafkaOptions();
        options.Embedded.DiscoveryDirectory = args[2];
        TestKafka.QuickReconnects(options);
        return args[1] switch
        {
            "join-produce" when args.Length == 5 => JoinAndProduce(options, args[3], int.Parse(args[4], CultureInfo.InvariantCulture)),
            "own-and-wait" when args.Length == 3 => OwnAndWait(options),
            "exit-undisposed" when args.Length == 3 => ExitWithoutDisposing(options),
            _ => 64,
        };
    }

    /// <summary>Joins the advertised broker (exit 2 if it had to start its own) and produces <paramref name="count"/> events.</summary>
    private static int JoinAndProduce(KafkaOptions options, string topic, int count)
    {
        options.CreateTopics = false;
        using var broker = EmbeddedKafkaBroker.Acquire(options);
        Console.WriteLine($"joined={!broker.IsOwner} owner={broker.OwnerPid} servers={broker.BootstrapServers}");
        if (broker.IsOwner)
        {
            return 2;
        }

        using var producer = TestKafka.Producer(TestKafka.Factory(options, broker));
        for (var i = 0; i < count; i++)
        {
            producer.TryProduce(topic, "helper-" + i, BitConverter.GetBytes(Environment.ProcessId));
        }

        producer.Flush(TestKafka.Patience);
        Console.WriteLine($"delivered={producer.Delivered}");
        return producer.Delivered == count ? 0 : 3;
    }

    /// <summary>Starts a broker and a producer, sends an event, and returns from Main without disposing either.</summary>
    private static int ExitWithoutDisposing(KafkaOptions options)
    {
        options.Embedded.Shared = false;
        var broker = EmbeddedKafkaBroker.Acquire(options);
        var producer = TestKafka.Producer(TestKafka.Factory(options, broker));
        producer.TryProduce(options.Topics.Bids, "k", [1]);
        producer.Flush(TestKafka.Patience);
        Console.WriteLine($"delivered={producer.Delivered} servers={broker.BootstrapServers}");
        return producer.Delivered == 1 ? 0 : 3;
    }

    /// <summary>Starts and advertises a broker, then holds it until standard input closes or says "stop".</summary>
    private static int OwnAndWait(KafkaOptions options)
    {
        using var broker = EmbeddedKafkaBroker.Acquire(options);
        Console.WriteLine($"owner={broker.IsOwner} servers={broker.BootstrapServers}");
        Console.Out.Flush();
        string? line;
        while ((line = Console.ReadLine()) is not null && line != "stop")
        {
        }

        return broker.IsOwner ? 0 : 2;
    }
}
