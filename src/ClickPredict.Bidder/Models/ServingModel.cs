using System.Text;
using ClickPredict.Core.Model;
using ClickPredict.Core.Registry;

namespace ClickPredict.Bidder.Models;

/// <summary>A validated model in service (or once in service), with where it came from. Immutable.</summary>
internal sealed class ServingModel
{
    public ServingModel(LogisticModel model, ModelSource source, string path, RegistryEntry? entry, DateTimeOffset loadedUtc)
    {
        Model = model;
        Source = source;
        Path = path;
        Entry = entry;
        LoadedUtc = loadedUtc;
        Label = model.Info.Label;
        ModelIdUtf8 = Encoding.UTF8.GetBytes(model.Info.ModelId);
        FingerprintUtf8 = Encoding.UTF8.GetBytes(model.Spec.FingerprintHex);
    }

    public LogisticModel Model { get; }

    /// <summary><c>modelId@version</c>: what responses carry in <c>x-model-version</c>.</summary>
    public string Label { get; }

    public ModelSource Source { get; }

    public string Path { get; }

    /// <summary>The registry's entry (lineage, metrics) when the model came from the registry.</summary>
    public RegistryEntry? Entry { get; }

    public DateTimeOffset LoadedUtc { get; }

    public byte[] ModelIdUtf8 { get; }

    public byte[] FingerprintUtf8 { get; }

    public int Version => Model.Info.Version;

    public override string ToString() => $"{Label} ({Source.ToString().ToLowerInvariant()})";
}

/// <summary>Where a served model was loaded from.</summary>
internal enum ModelSource
{
    /// <summary>The registry's champion.</summary>
    Registry,

    /// <summary>The shipped default model file (the registry had no usable champion).</summary>
    DefaultFile,
}
