using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Training;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Hosting;

namespace ClickPredict.Trainer.Learning;

/// <summary>
/// The learner's side of the model registry: publishes the rounds its <see cref="OnlineTrainer"/> decides
/// (with <see cref="RegistryRounds"/>, as a replay does), keeps each decision beside the index, and picks up
/// a champion changed by someone else (a rollback, another trainer) or, at start, the current one (the
/// shipped default model when the registry is empty).
/// </summary>
internal sealed class LearnerRegistry
{
    private readonly ModelRegistry _registry;
    private readonly string _defaultModelPath;
    private readonly TrainerStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _revision = -1;

    public LearnerRegistry(ModelRegistry registry, string defaultModelPath, TrainerStatus status, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _defaultModelPath = defaultModelPath;
        _status = status;
        _time = time;
        _logger = logger;
    }

    /// <summary>Publishes the round's candidate, when it has one, and records the decision.</summary>
    public void Apply(OnlineTrainer trainer, TrainerRound round)
    {
        string? label = null;
        if (round.Calibration is not null)
        {
            try
            {
                label = RegistryRounds.PublishCalibration(_registry, trainer, round, _time);
                _revision = _registry.ReadIndex().Revision;
                _status.Calibration = label;
                Log.CalibrationPublished(_logger, label, _registry.Directory, round.Decision.Reason);
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
            {
                Log.PublishFailed(_logger, _registry.Directory, e);
            }
        }
        else if (round.Candidate is not null)
        {
            try
            {
                var entry = RegistryRounds.Publish(_registry, trainer, round, _time);
                _revision = _registry.ReadIndex().Revision;
                label = entry.Label;
                _status.PublishedOne();
                _status.Champion = entry.Label;
                Log.ModelPublished(_logger, entry.Label, _registry.Directory, round.Decision.Reason);
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
            {
                Log.PublishFailed(_logger, _registry.Directory, e);
            }
        }

        try
        {
            RegistryRounds.Record(_registry, round.Decision, label);
        }
        catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
        {
            Log.PublishFailed(_logger, _registry.Directory, e);
        }
    }

    /// <summary>Sets the registry's champion on <paramref name="trainer"/> when it changed (always with <paramref name="force"/>); returns whether it did.</summary>
    public bool Refresh(OnlineTrainer trainer, bool force)
    {
        RegistryIndex index;
        try
        {
            index = _registry.ReadIndex();
        }
        catch (RegistryException e)
        {
            Log.ChampionUnreadable(_logger, e);
            return false;
        }

        if (!force && index.Revision == _revision)
        {
            return false;
        }

        _revision = index.Revision;
        if (!force && string.Equals(index.Champion, trainer.Champion?.Info.Label, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var champion = _registry.LoadChampion(out var entry);
            string? checksum = null;
            if (champion is null && File.Exists(_defaultModelPath))
            {
                champion = ModelFile.Load(_defaultModelPath);
                checksum = ModelFile.ReadChecksum(_defaultModelPath);
            }

            if (champion is not null && !ReferenceEquals(champion.Spec.Schema, trainer.Spec.Schema))
            {
                champion = null;
                checksum = null;
            }

            // The shipped default file is not in the registry: its calibrations name it by its file's checksum.
            trainer.SetChampion(champion, calibratable: entry is not null || checksum is not null, modelChecksum: entry is null ? checksum : null);
            _status.Champion = champion?.Info.Label;
            var serving = champion is null || trainer.Calibration is null ? null
                : entry is not null ? _registry.LoadCalibration(entry)
                : checksum is not null ? _registry.LoadDefaultCalibration(champion.Info.Label, checksum)
                : null;
            if (serving is not null)
            {
                // The bidder serves this calibration: the next one is gated against it.
                trainer.Calibration!.Publish(serving);
                _status.Calibration = $"{serving.Info.Model} calibration {serving.Info.Version}";
            }

            if (champion is not null)
            {
                Log.ChampionChanged(_logger, entry?.Label ?? champion.Info.Label);
            }
        }
        catch (Exception e) when (e is ModelFormatException or IOException or RegistryException)
        {
            Log.ChampionUnreadable(_logger, e);
            trainer.SetChampion(null);
        }

        return true;
    }
}
