using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Hosting;
using ClickPredict.Bidder.Options;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Models;

/// <summary>
/// Loads the model to serve at start (the registry's champion, else the shipped default file), then
/// watches the registry's <c>index.json</c> (file-system events, and a poll in case events are lost
/// or unavailable) and swaps in each newly named champion once <see cref="ModelValidator"/> accepts
/// it. A refused model is counted and logged, and the one in service keeps serving.
/// </summary>
internal sealed class ModelWatcher : BackgroundService
{
    private readonly ModelRegistry _registry;
    private readonly string _defaultPath;
    private readonly RegistryOptions _options;
    private readonly ModelHolder _holder;
    private readonly ModelValidator _validator;
    private readonly BidderMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelWatcher> _logger;
    private readonly CalibrationLoader _calibrations;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly object _checkGate = new();
    private FileSystemWatcher? _watcher;
    private long _seenRevision = -1;
    private string? _seenChampion;

    public ModelWatcher(
        IOptions<RegistryOptions> options,
        BidderPaths paths,
        ModelHolder holder,
        ModelValidator validator,
        BidderMetrics metrics,
        TimeProvider time,
        ILogger<ModelWatcher> logger)
    {
        _options = options.Value;
        _registry = new ModelRegistry(paths.Resolve(_options.Path));
        _defaultPath = paths.Resolve(_options.DefaultModelPath);
        _holder = holder;
        _validator = validator;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _calibrations = new CalibrationLoader(holder.Calibrations, time, logger);
    }

    public string RegistryDirectory => _registry.Directory;

    public ModelRegistry Registry => _registry;

    /// <summary>Loads the first model before the server starts taking requests, so a ready bidder bids at once.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_checkGate)
        {
            if (!CheckRegistry("start"))
            {
                ServeDefaultFile();
            }

            _calibrations.Check(_registry, _holder.Current);
        }

        StartFileWatcher();
        Log.WatchingRegistry(_logger, _registry.Directory, _options.PollIntervalMs);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _watcher?.Dispose();
        _signal.Dispose();
        base.Dispose();
    }

    /// <summary>Re-reads the registry now (what a file event or the poll does); true when a new model went into service.</summary>
    public bool CheckNow()
    {
        lock (_checkGate)
        {
            var swapped = CheckRegistry("publish");
            _calibrations.Check(_registry, _holder.Current);
            return swapped;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(_options.PollIntervalMs);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (_watcher is null)
                {
                    StartFileWatcher();
                }

                CheckNow();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never let the watcher die: the next event or poll tries again.
                Log.WatcherFailed(_logger, e);
            }
        }
    }

    /// <summary>Serves the registry's champion if the index changed and names one not yet tried; true when one went into service.</summary>
    private bool CheckRegistry(string trigger)
    {
        RegistryIndex index;
        try
        {
            index = _registry.ReadIndex();
        }
        catch (RegistryException e)
        {
            Log.RegistryUnreadable(_logger, _registry.Directory, e.Message);
            return false;
        }

        if (index.Revision == _seenRevision)
        {
            return false;
        }

        _seenRevision = index.Revision;
        var entry = index.ChampionEntry;
        if (entry is null || string.Equals(entry.Label, _seenChampion, StringComparison.Ordinal))
        {
            // No champion, or a publish that did not change it.
            return false;
        }

        _seenChampion = entry.Label;
        var current = _holder.Current;
        if (current is { Source: ModelSource.Registry } && string.Equals(current.Label, entry.Label, StringComparison.Ordinal))
        {
            return false;
        }

        return TryServe(_registry.PathOf(entry), entry, ModelSource.Registry, trigger);
    }

    private void ServeDefaultFile()
    {
        if (File.Exists(_defaultPath) && TryServe(_defaultPath, null, ModelSource.DefaultFile, "start"))
        {
            return;
        }

        if (_holder.Current is null)
        {
            Log.NoModel(_logger, _registry.Directory, _defaultPath);
        }
    }

    private bool TryServe(string path, RegistryEntry? entry, ModelSource source, string trigger)
    {
        var label = entry?.Label ?? Path.GetFileName(path);
        string? problem;
        LogisticModel? model = null;
        try
        {
            model = ModelFile.Load(path);
            problem = _validator.Check(model, entry);
        }
        catch (ModelFormatException e)
        {
            problem = e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = "cannot read the file: " + e.Message;
        }

        if (problem is not null || model is null)
        {
            problem ??= "no model";
            _holder.RecordRefusal(label, path, problem, _time.GetUtcNow());
            _metrics.ModelRefused();
            Log.ModelRefused(_logger, label, path, problem, _holder.Current?.Label ?? "nothing");
            return false;
        }

        var serving = new ServingModel(model, source, path, entry, _time.GetUtcNow());
        _holder.Swap(serving);
        _metrics.ModelSwapped(trigger);
        Log.ModelServing(_logger, serving.Label, source == ModelSource.Registry ? "the registry" : "the default file", path, model.ToString());
        return true;
    }

    private void StartFileWatcher()
    {
        if (!Directory.Exists(_registry.Directory))
        {
            // Nothing published yet; the poll keeps looking and starts watching once it exists.
            return;
        }

        try
        {
            var watcher = new FileSystemWatcher(_registry.Directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                IncludeSubdirectories = false,
            };
            watcher.Created += OnChanged;
            watcher.Changed += OnChanged;
            watcher.Renamed += OnChanged;
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException)
        {
            Log.WatcherUnavailable(_logger, _registry.Directory, e.Message);
        }
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        // The index is replaced by an atomic rename; model files come before it and need no signal.
        if (!string.Equals(e.Name, ModelRegistry.IndexFileName, StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another event signalled first: one check covers both.
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }
}
