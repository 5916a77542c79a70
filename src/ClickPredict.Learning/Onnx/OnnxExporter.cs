using System.Buffers.Binary;
using System.Globalization;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using static ClickPredict.Learning.Onnx.OnnxSchema;

namespace ClickPredict.Learning.Onnx;

/// <summary>
/// Exports a <see cref="LogisticModel"/> as an ONNX model (IR 8, opset 17) that ONNX Runtime, or any
/// other ONNX scorer, can serve:
/// <code>
/// indices  int64[batch, F]   the example's hashed feature indices (FeatureHasher.Indices)
/// Gather(weights float[2^bits], indices) -> Cast(double) -> ReduceSum(axis 1) -> Add(bias') -> Sigmoid
/// pctr     double[batch]     the calibrated pCTR
/// </code>
/// The negative down-sampling re-calibration <c>q = p / (p + (1 - p) / rate)</c> is the same as adding
/// <c>ln rate</c> to the logit, so it is folded into <c>bias'</c>. The feature spec, its fingerprint
/// and the model's header ride along as metadata, so the scorer can hash raw fields the same way.
/// </summary>
public static class OnnxExporter
{
    public const string InputName = "indices";
    public const string OutputName = "pctr";

    /// <summary>Metadata keys written into the ONNX model.</summary>
    public const string SpecKey = "clickpredict.featureSpec", FingerprintKey = "clickpredict.featureSpecFingerprint",
        ModelKey = "clickpredict.model", AlgorithmKey = "clickpredict.algorithm", RateKey = "clickpredict.negativeSamplingRate";

    public static void Export(LogisticModel model, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Export(model, stream);
    }

    public static byte[] Export(LogisticModel model)
    {
        using var stream = new MemoryStream();
        Export(model, stream);
        return stream.ToArray();
    }

    public static void Export(LogisticModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        var weights = new float[model.Spec.Size];
        model.CopyWeightsTo(weights);
        var featureCount = new FeatureHasher(model.Spec).FeatureCount;
        var bias = model.Bias + Math.Log(model.Info.NegativeSamplingRate);

        var root = new ProtoWriter();
        root.Int64(Model.IrVersion, IrVersion);
        root.Message(Model.OpsetImport, opset =>
        {
            opset.String(OperatorSetId.Domain, string.Empty);
            opset.Int64(OperatorSetId.Version, OpsetVersion);
        });
        root.String(Model.ProducerName, "ClickPredict");
        root.String(Model.ProducerVersion, typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0");
        root.String(Model.Domain, "ai.clickpredict");
        root.Int64(Model.ModelVersion, model.Info.Version);
        root.String(Model.DocString, $"pCTR of {model.Info.Label}: sigmoid(bias + sum of weights[indices])");
        root.Message(Model.Graph, graph => WriteGraph(graph, weights, bias, featureCount));
        Metadata(root, SpecKey, model.Spec.ToJson());
        Metadata(root, FingerprintKey, model.Spec.FingerprintHex);
        Metadata(root, ModelKey, model.Info.Label);
        Metadata(root, AlgorithmKey, model.Info.Algorithm);
        Metadata(root, RateKey, model.Info.NegativeSamplingRate.ToString("R", CultureInfo.InvariantCulture));
        root.WriteTo(stream);
    }

    private static void WriteGraph(ProtoWriter graph, float[] weights, double bias, int featureCount)
    {
        Node(graph, "gather", "Gather", ["weights", InputName], ["gathered"], ("axis", 0));
        Node(graph, "cast", "Cast", ["gathered"], ["gathered_double"], ("to", DataType.Double));
        Node(graph, "sum", "ReduceSum", ["gathered_double", "sum_axes"], ["weight_sum"], ("keepdims", 0));
        Node(graph, "add_bias", "Add", ["weight_sum", "bias"], ["logit"]);
        Node(graph, "sigmoid", "Sigmoid", ["logit"], [OutputName]);
        graph.String(Graph.Name, "clickpredict_logistic_regression");

        graph.Message(Graph.Initializer, t => Tensor(t, "weights", DataType.Float, [weights.Length], ProtoWriter.FloatBytes(weights)));
        var biasBytes = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(biasBytes, bias);
        graph.Message(Graph.Initializer, t => Tensor(t, "bias", DataType.Double, [], biasBytes));
        var axisBytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(axisBytes, 1);
        graph.Message(Graph.Initializer, t => Tensor(t, "sum_axes", DataType.Int64, [1], axisBytes));

        graph.Message(Graph.Input, v => ValueInfo(v, InputName, DataType.Int64, [null, featureCount]));
        graph.Message(Graph.Output, v => ValueInfo(v, OutputName, DataType.Double, [null]));
    }

    private static void Node(ProtoWriter graph, string name, string op, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes) =>
        graph.Message(Graph.Node, node =>
        {
            foreach (var input in inputs)
            {
                node.String(OnnxSchema.Node.Input, input);
            }

            foreach (var output in outputs)
            {
                node.String(OnnxSchema.Node.Output, output);
            }

            node.String(OnnxSchema.Node.Name, name);
            node.String(OnnxSchema.Node.OpType, op);
            foreach (var (attributeName, value) in attributes)
            {
                node.Message(OnnxSchema.Node.Attribute, a =>
                {
                    a.String(AttributeProto.Name, attributeName);
                    a.Int64(AttributeProto.I, value);
                    a.Int32(AttributeProto.Type, AttributeProto.TypeInt);
                });
            }
        });

    private static void Tensor(ProtoWriter tensor, string name, int dataType, long[] dims, byte[] raw)
    {
        foreach (var dim in dims)
        {
            tensor.Int64(OnnxSchema.Tensor.Dims, dim);
        }

        tensor.Int32(OnnxSchema.Tensor.DataType, dataType);
        tensor.String(OnnxSchema.Tensor.Name, name);
        tensor.Bytes(OnnxSchema.Tensor.RawData, raw);
    }

    /// <summary>A tensor value; a null dimension is the symbolic batch size.</summary>
    private static void ValueInfo(ProtoWriter value, string name, int elementType, long?[] dims)
    {
        value.String(OnnxSchema.ValueInfo.Name, name);
        value.Message(OnnxSchema.ValueInfo.Type, type => type.Message(OnnxSchema.Type.TensorType, tensor =>
        {
            tensor.Int32(TensorType.ElemType, elementType);
            tensor.Message(TensorType.Shape, shape =>
            {
                foreach (var dim in dims)
                {
                    shape.Message(Shape.Dim, d =>
                    {
                        if (dim is { } fixedSize)
                        {
                            d.Int64(Dimension.DimValue, fixedSize);
                        }
                        else
                        {
                            d.String(Dimension.DimParam, "batch");
                        }
                    });
                }
            });
        }));
    }

    private static void Metadata(ProtoWriter root, string key, string value) =>
        root.Message(Model.MetadataProps, entry =>
        {
            entry.String(StringStringEntry.Key, key);
            entry.String(StringStringEntry.Value, value);
        });
}
