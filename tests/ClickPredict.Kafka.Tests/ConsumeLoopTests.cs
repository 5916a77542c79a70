using ClickPredict.Kafka.Consuming;
using ClickPredict.Kafka.Embedded;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClickPredict.Kafka.Tests;

public class ConsumeLoopTests
{
    /// <summary>
    /// A group consumer on the loop: the handler gets the assignment, every message and the ticks on the loop's thread
    /// (storing offsets as it goes), the broker going away is counted as one
    /// outage, and a fatal error reported by another client ends the loop.
    /// </summary>
    [Fact]
    public void Run_HandsAssignmentAndMessagesToTheHandler_CountsAnOutage_StopsOnAFatalError()
    {
        using var cluster = EmbeddedKafkaCluster.Start(1, 2);
        cluster.CreateTopic("loop.test", 2);
        var clients = TestKafka.Factory(TestKafka.OptionsFor(cluster));
        using (var producer = new ProducerBuilder<string, byte[]>(clients.CreateProducerConfig()).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                producer.Produce("loop.test", new Message<string, byte[]> { Key = "k" + i, Value = [(byte)i] });
            }

            Assert.Equal(0, producer.Flush(TestKafka.Patience));
        }

        var handler = new Recorder();
        var config = clients.CreateConsumerConfig("loop-test");
        using var loop = new ConsumeLoop<string, byte[]>(config, handler, NullLogger.Instance, "test", pollMs: 20);
        handler.Loop = loop;
        loop.Consumer.Subscribe("loop.test");
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => loop.Run(stop.Token));

        Assert.True(TestKafka.Eventually(() => handler.Messages == 20), $"{handler.Messages} of 20 messages handled");
        Assert.Equal(2, handler.Assigned);
        Assert.True(handler.Ticks > 0);
        Assert.Equal(0, loop.Outages);

        cluster.SetBrokerDown(-1);
        Assert.True(TestKafka.Eventually(() => loop.Outages == 1), "the outage was not seen");
        cluster.SetBrokerUp(-1);

        loop.Fail(new Error(ErrorCode.Local_Fatal, "a producer failed", isFatal: true));
        var failure = Assert.Throws<AggregateException>(() => running.Wait(TestKafka.Patience));
        Assert.IsType<KafkaException>(failure.InnerException);
        Assert.True(handler.Threads.Count == 1, "the handler ran on more than one thread");
    }

    private sealed class Recorder : ConsumeHandler<string, byte[]>
    {
        private int _messages;

        public ConsumeLoop<string, byte[]>? Loop { get; set; }

        public int Messages => Volatile.Read(ref _messages);

        public int Assigned { get; private set; }

        public int Ticks { get; private set; }

        public HashSet<int> Threads { get; } = [];

        public override IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Assigned += partitions.Count;
            return base.OnAssigned(partitions);
        }

        public override void OnMessage(ConsumeResult<string, byte[]> result)
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Loop!.Store([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
            Interlocked.Increment(ref _messages);
        }

        public override void OnTick()
        {
            Threads.Add(Environment.CurrentManagedThreadId);
            Ticks++;
        }
    }
}
