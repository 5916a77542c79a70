using System.Buffers.Binary;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Learning.Onnx;
using static ClickPredict.Learning.Onnx.OnnxSchema;

namespace ClickPredict.Learning.Tests;

/// <summary>
/// A model "trained elsewhere": an ONNX graph not written by <see cref="OnnxExporter"/> (float all the
/// way, a float output, other tensor names, no ClickPredict metadata). The scorer serves it once told
/// which feature spec its indices come from.
/// </summary>
public class ForeignOnnxModelTests
{
    private static readonly FeatureSpec s_spec = FeatureSpec.Parse("""{ "schema": "openrtb", "hashBits": 18, "fields": ["site.domain", "creative.id", "device.type", "geo.country"] }""");

    private static byte[] ForeignModel(float[] weights, float bias)
    {
        var root = new ProtoWriter();
        root.Int64(Model.IrVersion, 7);
        root.Message(Model.OpsetImport, o =>
        {
            o.String(OperatorSetId.Domain, string.Empty);
            o.Int64(OperatorSetId.Version, 13);
        });
        root.String(Model.ProducerName, "somewhere-else");
        root.Message(Model.Graph, g =>
        {
            Node(g, "Gather", ["w", "x"], ["g"]);
            Node(g, "ReduceSum", ["g", "axes"], ["s"], ("keepdims", 0));
            Node(g, "Add", ["s", "b"], ["z"]);
            Node(g, "Sigmoid", ["z"], ["probability"]);
            g.String(Graph.Name, "foreign");
            g.Message(Graph.Initializer, t => Tensor(t, "w", DataType.Float, [weights.Length], ProtoWriter.FloatBytes(weights)));
            g.Message(Graph.Initializer, t => Tensor(t, "b", DataType.Float, [], ProtoWriter.FloatBytes([bias])));
            var axes = new byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(axes, 1);
            g.Message(Graph.Initializer, t => Tensor(t, "axes", DataType.Int64, [1], axes));
            g.Message(Graph.Input, v => Value(v, "x", DataType.Int64, ["n", "f"]));
            g.Message(Graph.Output, v => Value(v, "probability", DataType.Float, ["n"]));
        });
        return root.ToArray();
    }

    private static void Node(ProtoWriter g, string op, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes) =>
        g.Message(Graph.Node, n =>
        {
            foreach (var i in inputs)
            {
                n.String(OnnxSchema.Node.Input, i);
            }

            foreach (var o in outputs)
            {
                n.String(OnnxSchema.Node.Output, o);
            }

            n.String(OnnxSchema.Node.OpType, op);
            foreach (var (name, value) in attributes)
            {
                n.Message(OnnxSchema.Node.Attribute, a =>
                {
                    a.String(AttributeProto.Name, name);
                    a.Int64(AttributeProto.I, value);
                    a.Int32(AttributeProto.Type, AttributeProto.TypeInt);
                });
            }
        });

    private static void Tensor(ProtoWriter t, string name, int type, long[] dims, byte[] raw)
    {
        foreach (var d in dims)
        {
            t.Int64(OnnxSchema.Tensor.Dims, d);
        }

        t.Int32(OnnxSchema.Tensor.DataType, type);
        t.String(OnnxSchema.Tensor.Name, name);
        t.Bytes(OnnxSchema.Tensor.RawData, raw);
    }

    private static void Value(ProtoWriter v, string name, int type, string[] symbolicDims)
    {
        v.String(ValueInfo.Name, name);
        v.Message(ValueInfo.Type, ty => ty.Message(OnnxSchema.Type.TensorType, tt =>
        {
            tt.Int32(TensorType.ElemType, type);
            tt.Message(TensorType.Shape, s =>
            {
                foreach (var d in symbolicDims)
                {
                    s.Message(Shape.Dim, dim => dim.String(Dimension.DimParam, d));
                }
            });
        }));
    }

    [Fact]
    public void Scorer_ServesAForeignModel_GivenItsSpec()
    {
        var random = new Random(8);
        var weights = new float[s_spec.Size];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5);
        }

        var reference = LogisticModel.Create(new ModelInfo(), s_spec, -3.0, weights);
        var bytes = ForeignModel(weights, -3f);

        // Without a spec it still scores indices (the feature count is symbolic, so taken from the batch).
        using (var bare = OnnxScorer.FromBytes(bytes))
        {
            Assert.Null(bare.Spec);
            Assert.Equal(-1, bare.FeatureCount);
            Assert.Empty(bare.Metadata);
            Assert.Throws<InvalidOperationException>(() => bare.Predict(new FieldValues(FieldSchema.OpenRtb)));
        }

        using var scorer = OnnxScorer.FromBytes(bytes, s_spec);
        Assert.Equal(4, scorer.FeatureCount);
        var values = new FieldValues(FieldSchema.OpenRtb);
        var hasher = new FeatureHasher(s_spec);
        var indices = new int[4];
        for (var i = 0; i < 500; i++)
        {
            values.Clear();
            values.Set(OpenRtbFields.SiteDomain, $"site{i % 37}.example");
            values.Set(OpenRtbFields.CreativeId, $"cr-{i % 11}");
            values.Set(OpenRtbFields.DeviceType, $"{i % 4}");
            values.Set(OpenRtbFields.GeoCountry, i % 2 == 0 ? "USA" : "DEU");
            hasher.Indices(values, indices);
            // Float arithmetic in the foreign graph: agreement to float precision.
            Assert.Equal(reference.Predict(values), scorer.Predict(values), 1e-5);
            Assert.Equal(scorer.Predict(values), scorer.PredictIndices(indices));
        }
    }
}
