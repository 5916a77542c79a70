using ClickPredict.Core.Learning;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace ClickPredict.Learning.MlNet;

/// <summary>
/// Shows <see cref="HashedExamples"/> to ML.NET without a second feature pipeline: each example
/// becomes a sparse <see cref="VBuffer{T}"/> of dimension <c>2^hashBits</c> holding 1 at each of its
/// hashed indices (2 where an index occurs twice, matching the model's sum over indices), with its
/// label and weight.
/// </summary>
internal static class HashedDataView
{
    public const string LabelColumn = "Label", FeaturesColumn = "Features", WeightColumn = "Weight";

    /// <summary>The examples as an ML.NET data view with Label, Weight and Features columns.</summary>
    public static IDataView Create(MLContext context, HashedExamples examples)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[FeaturesColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, examples.Spec.Size);
        return context.Data.LoadFromEnumerable(Rows(examples), schema);
    }

    private static IEnumerable<Row> Rows(HashedExamples examples)
    {
        var size = examples.Spec.Size;
        var sorted = new int[examples.FeatureCount];
        for (var i = 0; i < examples.Count; i++)
        {
            examples.Indices(i).CopyTo(sorted);
            Array.Sort(sorted);
            var indices = new int[sorted.Length];
            var values = new float[sorted.Length];
            var count = 0;
            foreach (var index in sorted)
            {
                if (count > 0 && indices[count - 1] == index)
                {
                    values[count - 1] += 1f;
                    continue;
                }

                indices[count] = index;
                values[count++] = 1f;
            }

            yield return new Row
            {
                Label = examples.Label(i),
                Weight = examples.Weight(i),
                Features = new VBuffer<float>(size, count, values, indices),
            };
        }
    }

    /// <summary>One example as ML.NET reads it.</summary>
    internal sealed class Row
    {
        [ColumnName(LabelColumn)]
        public bool Label { get; set; }

        [ColumnName(WeightColumn)]
        public float Weight { get; set; }

        [ColumnName(FeaturesColumn)]
        public VBuffer<float> Features { get; set; }
    }
}
