using ClickPredict.Core.Registry;
using ClickPredict.Core.Shading;
using ClickPredict.Kafka;
using ClickPredict.Kafka.Consuming;
using ClickPredict.Trainer.Hosting;
using ClickPredict.Trainer.Options;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.WinRate;

// CA1873: the few lines that format a string do so once per publish decision or start, guarded by IsEnabled.
#pragma warning disable CA1873

/// <summary>
/// The win-rate learner (<c>Trainer:WinRate</c>): a consumer group member reading the bids, impressions and
/// losses topics into a <see cref="WinRateJoin"/> whose <see cref="WinRateLearner"/> starts from the registry's
/// champion (or from nothing), and a <see cref="WinRatePublisher"/> that publishes gated models to
/// <c>Trainer:WinRate:RegistryPath</c>, which the bidders watch (<c>Shading:RegistryPath</c>).
/// </summary>
internal sealed class WinRateService : TrainerLoop
{
    private readonly KafkaClientFactory _clients;
    private readonly WinRateTrainerOptions _options;
    private readonly TrainerPaths _paths;
    private readonly TrainerStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WinRateService(KafkaClientFactory clients, IOptions<TrainerOptions> options, TrainerPaths paths, TrainerStatus status, TimeProvider time, ILogger<WinRateService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _clients = clients;
        _options = options.Value.WinRate;
        _paths = paths;
        _status = status;
        _time = time;
        _logger = logger;
    }

    protected override bool Enabled => _options.Enabled;

    protected override void Starting()
    {
    }

    protected override void Run(CancellationToken token)
    {
        ConsumeLoop<string, byte[]>? loop = null;
        try
        {
            var registry = new ModelRegistry(_paths.Resolve(_options.RegistryPath), _options.Retain);
            var join = new WinRateJoin(new WinRateLearner(), _options.WinWaitSeconds);
            var publisher = new WinRatePublisher(registry, _options, _time, _logger);
            publisher.Refresh(join, force: true);
            var topics = _clients.Options.Topics;
            var handler = new WinRateHandler(join, publisher, _time, _logger, topics.Bids, topics.Impressions, topics.Losses);
            _status.WinRate = () => new WinRateTrainerView(publisher.Champion, join.Learner.Observations, join.Wins, join.Losses, join.Censored, join.MinToWinReports, join.Pending, publisher.Published, publisher.Kept);
            var config = _clients.CreateConsumerConfig(_options.GroupId);
            loop = new ConsumeLoop<string, byte[]>(config, handler, _logger, "winrate");
            handler.Loop = loop;
            loop.Consumer.Subscribe([topics.Bids, topics.Impressions, topics.Losses]);
            if (_logger.IsEnabled(LogLevel.Information))
            {
                WinRateLog.Started(_logger, $"{topics.Bids}, {topics.Impressions}, {topics.Losses}", publisher.Champion ?? "nothing");
            }

            loop.Run(token);
            if (Graceful)
            {
                loop.Close();
            }
        }
        catch (KafkaException e)
        {
            _status.Failure = "win-rate learner: " + e.Message;
            WinRateLog.Failed(_logger, e.Message, e);
            throw;
        }
        finally
        {
            loop?.Dispose();
        }
    }
}
