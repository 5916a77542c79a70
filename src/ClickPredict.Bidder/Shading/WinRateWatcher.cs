using ClickPredict.Bidder.Hosting;
using ClickPredict.Bidder.Options;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Shading;

/// <summary>
/// Serves the win-rate registry's champion (<c>Shading:RegistryPath</c>): read at start, then every
/// <c>Registry:PollIntervalMs</c>, and each newly named champion swapped in once its file reads back whole
/// (<see cref="Core.Shading.WinRateModelFile"/> checks magic, version, checksum, features and every weight). A
/// refused file is counted and logged and the model in service keeps serving; with none loaded, first-price
/// bids stay at the fixed factor.
/// </summary>
internal sealed class WinRateWatcher : BackgroundService
{
    private readonly ModelRegistry _registry;
    private readonly WinRateHolder _holder;
    private readonly TimeSpan _interval;
    private readonly string _pricing;
    private readonly ILogger<WinRateWatcher> _logger;
    private readonly Lock _gate = new();
    private long _seenRevision = -1;
    private string? _seenChampion;

    public WinRateWatcher(IOptions<BidShadingOptions> options, IOptions<RegistryOptions> registry, BidderPaths paths, WinRateHolder holder, ILogger<WinRateWatcher> logger)
    {
        _registry = new ModelRegistry(paths.Resolve(options.Value.RegistryPath));
        _holder = holder;
        _interval = TimeSpan.FromMilliseconds(registry.Value.PollIntervalMs);
        _pricing = options.Value.Pricing.ToString();
        _logger = logger;
    }

    public ModelRegistry Registry => _registry;

    /// <summary>The label of the model in service as the registry named it (null before one is loaded).</summary>
    public string? ServingLabel { get; private set; }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        CheckNow();
        ShadingLog.Watching(_logger, _registry.Directory, (int)_interval.TotalMilliseconds, _pricing);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Re-reads the registry now; true when a new model went into service.</summary>
    public bool CheckNow()
    {
        lock (_gate)
        {
            RegistryIndex index;
            try
            {
                index = _registry.ReadIndex();
            }
            catch (RegistryException e)
            {
                _holder.RecordRefusal(e.Message);
                return false;
            }

            if (index.Revision == _seenRevision || index.ChampionEntry is not { } entry || string.Equals(entry.Label, _seenChampion, StringComparison.Ordinal))
            {
                _seenRevision = index.Revision;
                return false;
            }

            _seenRevision = index.Revision;
            // Tried once per champion: a refused file is not read again until the registry names another.
            _seenChampion = entry.Label;
            try
            {
                var model = Core.Shading.WinRateModelFile.Load(_registry.PathOf(entry));
                _holder.Swap(model);
                ServingLabel = entry.Label;
                ShadingLog.Swapped(_logger, entry.Label, model.Info.Observations, model.Exchanges.Count);
                return true;
            }
            catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException)
            {
                _holder.RecordRefusal($"{entry.Label}: {e.Message}");
                ShadingLog.Refused(_logger, entry.Label, e.Message);
                return false;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                CheckNow();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ShadingLog.WatcherFailed(_logger, e);
            }
        }
    }
}
