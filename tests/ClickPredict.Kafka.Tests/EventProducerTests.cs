using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;

namespace ClickPredict.Kafka.Tests;

public class EventProducerTests
{
    private const string Topic = "events";

    [Fact]
    public void TryProduce_DropsBeyondTheQueueBound_WhileTheBrokerIsDown_ThenDeliversWhatWasQueued()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, 2);
        cluster.SetBrokerDown(1);
        var options = TestKafka.OptionsFor(cluster, o =>
        {
            o.Producer.QueueMaxMessages = 10;
            o.Producer.MessageTimeoutMs = 120_000;
        });
        using var meters = new TestMeterFactory();
        using var counters = new CounterRecorder(meters);
        using var producer = TestKafka.Producer(TestKafka.Factory(options), meters);

        var queued = 0;
        for (var i = 0; i < 100; i++)
        {
            queued += producer.TryProduce(Topic, "bid-" + i, [(byte)i]) ? 1 : 0;
        }

        // The broker was never reachable: all that fits waits in the queue, the rest is dropped and counted.
        Assert.Equal(10, queued);
        Assert.Equal(90, producer.Dropped);
        Assert.Equal(0, producer.Delivered);
        Assert.Equal(10, producer.Pending);
        Assert.Equal(90, counters.Sum("clickpredict.kafka.dropped", "error.type", nameof(ErrorCode.Local_QueueFull)));
        Assert.All(counters.TagsOf("clickpredict.kafka.dropped"), t => Assert.Equal(Topic, t["messaging.destination.name"]));

        cluster.SetBrokerUp(1);

        Assert.True(TestKafka.Eventually(() => producer.Delivered == 10), $"delivered {producer.Delivered} of 10");
        Assert.Equal(0, producer.DeliveryFailed);
        Assert.Equal(10, counters.Sum("clickpredict.kafka.produced", "messaging.destination.name", Topic));
        // With room again, new events go through.
        Assert.True(producer.TryProduce(Topic, "after", [1]));
        Assert.Equal(0, producer.Flush(TestKafka.Patience));
        Assert.Equal(11, producer.Delivered);
        Assert.Equal(11, TestKafka.ReadTopic(cluster.BootstrapServers, Topic, 2, 11).Count);
    }

    [Fact]
    public void TryProduce_QueuesDuringAnOutageOfAConnectedBroker_AndDeliversAfterRecovery()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, 2);
        var options = TestKafka.OptionsFor(cluster, o => o.Producer.MessageTimeoutMs = 120_000);
        using var producer = TestKafka.Producer(TestKafka.Factory(options));
        Assert.True(producer.TryProduce(Topic, "before", [0]));
        Assert.Equal(0, producer.Flush(TestKafka.Patience));
        Assert.Equal(1, producer.Delivered);

        cluster.SetBrokerDown(1);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(producer.TryProduce(Topic, "during-" + i, [(byte)i]));
        }

        Assert.Equal(0, producer.Dropped);
        cluster.SetBrokerUp(1);

        Assert.True(TestKafka.Eventually(() => producer.Delivered == 51), $"delivered {producer.Delivered} of 51");
        Assert.Equal(0, producer.DeliveryFailed);
        Assert.Equal(51, TestKafka.ReadTopic(cluster.BootstrapServers, Topic, 2, 51).Count);
    }

    [Fact]
    public void TryProduce_CountsAFailedDelivery_WhenMessagesTimeOutWhileTheBrokerIsDown()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, 1);
        cluster.SetBrokerDown(1);
        var options = TestKafka.OptionsFor(cluster, o => o.Producer.MessageTimeoutMs = 200);
        using var meters = new TestMeterFactory();
        using var counters = new CounterRecorder(meters);
        using var producer = TestKafka.Producer(TestKafka.Factory(options), meters);

        Assert.True(producer.TryProduce(Topic, "k", [1]));

        Assert.True(TestKafka.Eventually(() => producer.DeliveryFailed == 1));
        Assert.Equal(0, producer.Pending);
        Assert.Equal(1, counters.Sum("clickpredict.kafka.delivery_failed", "error.type", nameof(ErrorCode.Local_MsgTimedOut)));
    }

    [Fact]
    public void PushRequestErrors_RetriableProduceErrorsAreRetried_AndAFatalOneFailsTheDelivery()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, 1);
        using var meters = new TestMeterFactory();
        using var counters = new CounterRecorder(meters);
        using var producer = TestKafka.Producer(TestKafka.Factory(TestKafka.OptionsFor(cluster)), meters);

        // Two retriable errors, then a permanent one: the message is retried twice and then fails with
        // the third code, which proves each pushed error answered one produce request.
        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.NotEnoughReplicas, ErrorCode.MsgSizeTooLarge);
        Assert.True(producer.TryProduce(Topic, "first", [1]));
        Assert.True(TestKafka.Eventually(() => producer.Pending == 0));

        Assert.Equal(1, producer.DeliveryFailed);
        Assert.Equal(0, producer.Delivered);
        Assert.Equal(1, counters.Sum("clickpredict.kafka.delivery_failed", "error.type", nameof(ErrorCode.MsgSizeTooLarge)));

        // The error stack is used up: the next message goes through.
        Assert.True(producer.TryProduce(Topic, "second", [2]));
        Assert.Equal(0, producer.Flush(TestKafka.Patience));
        Assert.Equal(1, producer.Delivered);
        var read = Assert.Single(TestKafka.ReadTopic(cluster.BootstrapServers, Topic, 1, 1));
        Assert.Equal("second", read.Message.Key);
    }

    [Fact]
    public void PushRequestErrors_OnlyRetriableErrors_DelayButDoNotLoseTheMessage()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, 1);
        using var producer = TestKafka.Producer(TestKafka.Factory(TestKafka.OptionsFor(cluster)));

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.LeaderNotAvailable, ErrorCode.Local_Transport);
        Assert.True(producer.TryProduce(Topic, "k", [7]));

        Assert.Equal(0, producer.Flush(TestKafka.Patience));
        Assert.Equal(1, producer.Delivered);
        Assert.Equal(0, producer.DeliveryFailed);
        // Retries after a lost connection may write the message more than once (no idempotence); it is there.
        Assert.NotEmpty(TestKafka.ReadTopic(cluster.BootstrapServers, Topic, 1, 1));
    }

    [Fact]
    public void TryProduce_AfterDispose_DropsWithoutThrowing()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        var producer = TestKafka.Producer(TestKafka.Factory(TestKafka.OptionsFor(cluster)));
        producer.Dispose();
        producer.Dispose();

        Assert.False(producer.TryProduce(Topic, "k", [1]));
        Assert.Equal(1, producer.Dropped);
        Assert.Equal(0, producer.Flush(TimeSpan.Zero));
    }

    [Fact]
    public void TryProduce_NeverThrows_OnInvalidInput()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        using var producer = TestKafka.Producer(TestKafka.Factory(TestKafka.OptionsFor(cluster)));

        Assert.False(producer.TryProduce(null!, "k", [1]));
        Assert.Equal(1, producer.Dropped);
        Assert.Equal(0, producer.Pending);
    }

    [Fact]
    public void Dispose_FlushesQueuedMessages()
    {
        using var cluster = EmbeddedKafkaCluster.Start();
        cluster.CreateTopic(Topic, 3);
        var options = TestKafka.OptionsFor(cluster, o =>
        {
            o.Producer.LingerMs = 50;
            o.Producer.FlushTimeoutMs = 30_000;
        });
        var producer = TestKafka.Producer(TestKafka.Factory(options));
        for (var i = 0; i < 200; i++)
        {
            Assert.True(producer.TryProduce(Topic, "k" + i, [(byte)i]));
        }

        producer.Dispose();

        Assert.Equal(200, producer.Delivered);
        Assert.Equal(200, TestKafka.ReadTopic(cluster.BootstrapServers, Topic, 3, 200).Count);
    }
}
