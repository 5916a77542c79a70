using System.Globalization;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Shading;
using ClickPredict.Trainer.Options;

namespace ClickPredict.Trainer.WinRate;

// CA1873: the few lines that format a string do so once per publish decision or start, guarded by IsEnabled.
#pragma warning disable CA1873

/// <summary>
/// The win-rate learner's side of its registry: every <c>PublishEveryOutcomes</c> outcomes it decides whether
/// the learner's model replaces the champion (the gate: its progressive log loss of P(win) over those outcomes
/// at most <c>MaxLogLossRatio</c> times the champion's on the same ones; the first model needs
/// <c>MinOutcomes</c>), and publishes it with its lineage (version, parent). A champion changed by someone else
/// (a rollback with <see cref="ModelRegistry.SetChampion"/>) is picked up and learning continues from it.
/// </summary>
internal sealed class WinRatePublisher
{
    private readonly ModelRegistry _registry;
    private readonly WinRateTrainerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _revision = -1;

    public WinRatePublisher(ModelRegistry registry, WinRateTrainerOptions options, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public ModelRegistry Registry => _registry;

    /// <summary>Label of the champion learning continues from (null: none yet).</summary>
    public string? Champion { get; private set; }

    public long Published { get; private set; }

    public long Kept { get; private set; }

    /// <summary>Picks up the registry's champion when it changed (always with <paramref name="force"/>): the join's baseline and the learner's start.</summary>
    public bool Refresh(WinRateJoin join, bool force)
    {
        ArgumentNullException.ThrowIfNull(join);
        try
        {
            var index = _registry.ReadIndex();
            if (!force && (index.Revision == _revision || string.Equals(index.Champion, Champion, StringComparison.Ordinal)))
            {
                _revision = index.Revision;
                return false;
            }

            _revision = index.Revision;
            var model = _registry.LoadWinRateChampion(out var entry);
            join.Champion = model;
            Champion = entry?.Label;
            if (model is not null)
            {
                join.Learner = WinRateLearner.Resume(model);
                WinRateLog.ChampionChanged(_logger, entry!.Label);
            }

            join.ResetWindow();
            return true;
        }
        catch (Exception e) when (e is RegistryException or ModelFormatException or IOException or UnauthorizedAccessException)
        {
            WinRateLog.RegistryFailed(_logger, _registry.Directory, e.Message);
            return false;
        }
    }

    /// <summary>Once the window holds <c>PublishEveryOutcomes</c> outcomes: publishes the learner's model or keeps the champion. Returns the new entry, if any.</summary>
    public RegistryEntry? Decide(WinRateJoin join)
    {
        ArgumentNullException.ThrowIfNull(join);
        var (count, learnerLoss, championLoss) = join.Window;
        if (count < _options.PublishEveryOutcomes)
        {
            return null;
        }

        join.ResetWindow();
        string reason;
        if (join.Champion is null)
        {
            if (join.Learner.Observations < _options.MinOutcomes)
            {
                return null;
            }

            reason = string.Create(CultureInfo.InvariantCulture, $"first win-rate model: {join.Learner.Observations} outcomes, window win log loss {learnerLoss:0.0000} over {count}");
        }
        else if (learnerLoss <= championLoss * _options.MaxLogLossRatio)
        {
            reason = string.Create(CultureInfo.InvariantCulture, $"window win log loss {learnerLoss:0.0000} vs champion {Champion}'s {championLoss:0.0000} over {count} outcomes");
        }
        else
        {
            Kept++;
            if (_logger.IsEnabled(LogLevel.Information))
            {
                WinRateLog.Kept(_logger, Champion ?? "none", string.Create(CultureInfo.InvariantCulture, $"window win log loss {learnerLoss:0.0000} above {_options.MaxLogLossRatio} x {championLoss:0.0000} over {count} outcomes"));
            }

            return null;
        }

        try
        {
            var now = _time.GetUtcNow();
            var model = join.Learner.ToModel(new WinRateModelInfo { CreatedUtc = now, ToUtc = DateTimeOffset.FromUnixTimeMilliseconds(join.ClockMs) });
            var metrics = new Dictionary<string, double>(model.Info.Metrics, StringComparer.Ordinal)
            {
                ["windowWinLogLoss"] = learnerLoss,
                ["windowOutcomes"] = count,
            };
            if (double.IsFinite(championLoss))
            {
                metrics["championWindowWinLogLoss"] = championLoss;
            }

            var entry = _registry.PublishWinRate(model.WithInfo(model.Info with { Metrics = metrics }), reason, _time);
            _revision = _registry.ReadIndex().Revision;
            Champion = entry.Label;
            join.Champion = model;
            Published++;
            WinRateLog.Published(_logger, entry.Label, _registry.Directory, reason);
            return entry;
        }
        catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
        {
            WinRateLog.RegistryFailed(_logger, _registry.Directory, e.Message);
            return null;
        }
    }
}
