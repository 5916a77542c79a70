using System.Globalization;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;

namespace ClickPredict.Bidder.Models;

/// <summary>
/// Hot-swaps the calibration the trainer publishes beside the champion (<see cref="RegistryEntry.Calibration"/>)
/// without reloading the model: <see cref="ModelWatcher"/> calls <see cref="Check"/> after each look at the
/// registry. A calibration file that is corrupt, for another model (label, or file checksum for the shipped
/// default file) or schema, or shifts by a creative's field (the bidder calibrates with request fields) is
/// refused, counted and logged, and the one serving stays.
/// </summary>
internal sealed class CalibrationLoader
{
    private readonly CalibrationHolder _holder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private string? _seen;
    private (ServingModel? Model, string? Checksum) _checksummed;

    public CalibrationLoader(CalibrationHolder holder, TimeProvider time, ILogger logger)
    {
        _holder = holder;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Serves the calibration the registry names for <paramref name="model"/>, when it is new; true when one went
    /// into service. The shipped default file, outside the registry, gets the index's default calibration when it
    /// names the file's label and checksum.
    /// </summary>
    public bool Check(ModelRegistry registry, ServingModel? model)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (model is null)
        {
            return false;
        }

        CalibrationEntry? published;
        string? checksum = null;
        try
        {
            var index = registry.ReadIndex();
            if (model.Source == ModelSource.Registry)
            {
                published = index.Find(model.Label)?.Calibration;
            }
            else
            {
                checksum = ChecksumOf(model);
                published = index.DefaultCalibration is { } outside && outside.Calibrates(model.Label, checksum) ? outside.Calibration : null;
            }
        }
        catch (Exception e) when (e is RegistryException or ModelFormatException)
        {
            // The model watcher logs an unreadable index (and a default file that went away); the next look tries again.
            return false;
        }

        if (published is null)
        {
            return false;
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{model.Label}#{checksum}#{published.Version}");
        if (string.Equals(key, _seen, StringComparison.Ordinal))
        {
            return false;
        }

        _seen = key;
        var path = Path.Combine(registry.Directory, published.File);
        string? problem;
        CalibrationShift? calibration = null;
        try
        {
            calibration = CalibrationFile.Load(path);
            problem = Validate(calibration, model, published.Version, checksum);
        }
        catch (ModelFormatException e)
        {
            problem = e.Message;
        }

        if (problem is not null || calibration is null)
        {
            problem ??= "no calibration";
            _holder.RecordRefusal($"{model.Label} calibration {published.Version}", path, problem, _time.GetUtcNow());
            Log.CalibrationRefused(_logger, model.Label, published.Version, path, problem, _holder.For(model)?.ToString() ?? "the model alone");
            return false;
        }

        _holder.Swap(new ServingCalibration(calibration, model.Label, published.Version, path, _time.GetUtcNow()));
        Log.CalibrationServing(_logger, model.Label, published.Version, path, calibration.Global, calibration.Segments.Count);
        return true;
    }

    /// <summary>The checksum of a default file's model, read once per model served.</summary>
    private string ChecksumOf(ServingModel model)
    {
        if (!ReferenceEquals(model, _checksummed.Model))
        {
            _checksummed = (model, ModelFile.ReadChecksum(model.Path));
        }

        return _checksummed.Checksum!;
    }

    private static string? Validate(CalibrationShift calibration, ServingModel model, int version, string? checksum)
    {
        if (!string.Equals(calibration.Info.Model, model.Label, StringComparison.Ordinal) || calibration.Info.Version != version)
        {
            return $"the file is calibration {calibration.Info.Version} of '{calibration.Info.Model}', not {version} of '{model.Label}'";
        }

        if (!string.Equals(calibration.Info.ModelChecksum, checksum, StringComparison.OrdinalIgnoreCase))
        {
            return $"the file calibrates the model file with checksum '{calibration.Info.ModelChecksum ?? "none (a registry version)"}', not '{checksum ?? "none (a registry version)"}'";
        }

        if (!ReferenceEquals(calibration.Schema, model.Model.Spec.Schema))
        {
            return $"its schema '{calibration.Schema.Name}' is not the model's '{model.Model.Spec.Schema.Name}'";
        }

        foreach (var segment in calibration.Segments)
        {
            if (calibration.Schema.TryGetField(segment.Field, out var field) && field.Scope != FieldScope.Request)
            {
                return $"segment field '{segment.Field}' is a creative's field; the bidder calibrates with request fields only";
            }
        }

        return null;
    }
}
