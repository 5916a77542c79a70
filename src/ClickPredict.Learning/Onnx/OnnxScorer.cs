using ClickPredict.Core.Features;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClickPredict.Learning.Onnx;

/// <summary>
/// Scores examples with an ONNX model through ONNX Runtime: the alternative scorer, and the way to
/// serve a model trained elsewhere. The model takes one int64 tensor <c>[batch, F]</c> of hashed
/// feature indices and gives one pCTR per row (float or double). A model exported by
/// <see cref="OnnxExporter"/> names its feature spec in its metadata; for any other, pass the spec
/// its indices were hashed with. Thread-safe (ONNX Runtime sessions are).
/// </summary>
public sealed class OnnxScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly bool _doubleOutput;

    private OnnxScorer(InferenceSession session, FeatureSpec? spec, string source)
    {
        _session = session;
        Source = source;
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count < 1)
        {
            throw new OnnxModelException($"{source}: expected one input (hashed indices) and an output (pCTR), found {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs");
        }

        var (inputName, input) = session.InputMetadata.First();
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Int64 || input.Dimensions.Length != 2)
        {
            throw new OnnxModelException($"{source}: input '{inputName}' must be an int64 tensor [batch, features], not {input.ElementDataType} of rank {input.Dimensions.Length}");
        }

        var (outputName, output) = session.OutputMetadata.First();
        if (!output.IsTensor || output.ElementDataType is not (TensorElementType.Float or TensorElementType.Double))
        {
            throw new OnnxModelException($"{source}: output '{outputName}' must be a float or double tensor, not {output.ElementDataType}");
        }

        _inputName = inputName;
        _outputName = outputName;
        _doubleOutput = output.ElementDataType == TensorElementType.Double;
        Metadata = session.ModelMetadata.CustomMetadataMap;
        Spec = spec ?? EmbeddedSpec(Metadata, source);
        if (spec is not null && Metadata.TryGetValue(OnnxExporter.FingerprintKey, out var fingerprint) && !string.Equals(fingerprint, spec.FingerprintHex, StringComparison.Ordinal))
        {
            throw new OnnxModelException($"{source}: the model was exported for feature spec {fingerprint}, not {spec.FingerprintHex}");
        }

        var declared = input.Dimensions[1];
        FeatureCount = declared > 0 ? declared : Spec is null ? -1 : new FeatureHasher(Spec).FeatureCount;
        if (Spec is not null)
        {
            Hasher = new FeatureHasher(Spec);
            if (FeatureCount != Hasher.FeatureCount)
            {
                throw new OnnxModelException($"{source}: the model takes {FeatureCount} indices per example but feature spec '{Spec.Name}' gives {Hasher.FeatureCount}");
            }
        }
    }

    /// <summary>Where the model came from (a path, or "bytes").</summary>
    public string Source { get; }

    /// <summary>The spec the model's indices are hashed with, when known.</summary>
    public FeatureSpec? Spec { get; }

    public FeatureHasher? Hasher { get; }

    /// <summary>Indices per example the model takes (-1 when neither the model nor a spec says).</summary>
    public int FeatureCount { get; }

    /// <summary>The model's metadata properties (model label, algorithm, spec, ...).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Loads an ONNX model file; throws <see cref="OnnxModelException"/> naming the file when it cannot serve.</summary>
    public static OnnxScorer Load(string path, FeatureSpec? spec = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxModelException($"{path}: cannot read: {e.Message}", e);
        }

        return FromBytes(bytes, spec, path);
    }

    public static OnnxScorer FromBytes(byte[] model, FeatureSpec? spec = null, string source = "onnx model")
    {
        ArgumentNullException.ThrowIfNull(model);
        InferenceSession session;
        try
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            session = new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"{source}: ONNX Runtime refused the model: {FirstLine(e.Message)}", e);
        }

        try
        {
            return new OnnxScorer(session, spec, source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The pCTR of one example from its hashed indices.</summary>
    public double PredictIndices(ReadOnlySpan<int> indices)
    {
        Span<double> result = stackalloc double[1];
        PredictBatch(indices, result);
        return result[0];
    }

    /// <summary>
    /// pCTRs of <c>predictions.Length</c> examples whose indices lie back to back in
    /// <paramref name="indices"/> (<see cref="FeatureCount"/> each), in one ONNX Runtime call.
    /// </summary>
    public void PredictBatch(ReadOnlySpan<int> indices, Span<double> predictions)
    {
        var rows = predictions.Length;
        if (rows == 0)
        {
            return;
        }

        var featureCount = FeatureCount > 0 ? FeatureCount : indices.Length / rows;
        if (indices.Length != rows * featureCount)
        {
            throw new ArgumentException($"{indices.Length} indices do not make {rows} examples of {featureCount} features", nameof(indices));
        }

        var buffer = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            buffer[i] = indices[i];
        }

        using var input = OrtValue.CreateTensorValueFromMemory(buffer, [rows, featureCount]);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [_inputName], [input], [_outputName]);
        var output = results[0];
        if (_doubleOutput)
        {
            var values = output.GetTensorDataAsSpan<double>();
            CheckCount(values.Length, rows);
            values.CopyTo(predictions);
        }
        else
        {
            var values = output.GetTensorDataAsSpan<float>();
            CheckCount(values.Length, rows);
            for (var i = 0; i < rows; i++)
            {
                predictions[i] = values[i];
            }
        }
    }

    /// <summary>The pCTR of one complete example's raw fields, hashed with the model's spec.</summary>
    public double Predict(FieldValues values)
    {
        var hasher = Hasher ?? throw new InvalidOperationException($"{Source}: no feature spec is known for this model; pass one to Load");
        Span<int> indices = stackalloc int[hasher.FeatureCount];
        hasher.Indices(values, indices);
        return PredictIndices(indices);
    }

    public void Dispose() => _session.Dispose();

    private void CheckCount(int produced, int rows)
    {
        if (produced != rows)
        {
            throw new OnnxModelException($"{Source}: the model produced {produced} values for {rows} examples");
        }
    }

    private static FeatureSpec? EmbeddedSpec(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(OnnxExporter.SpecKey, out var json))
        {
            return null;
        }

        try
        {
            var spec = FeatureSpec.Parse(json, "embedded in " + source);
            if (metadata.TryGetValue(OnnxExporter.FingerprintKey, out var fingerprint) && !string.Equals(fingerprint, spec.FingerprintHex, StringComparison.Ordinal))
            {
                throw new OnnxModelException($"{source}: embedded feature spec has fingerprint {spec.FingerprintHex}, the metadata says {fingerprint}");
            }

            return spec;
        }
        catch (FeatureSpecException e)
        {
            throw new OnnxModelException($"{source}: {e.Message}", e);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}
