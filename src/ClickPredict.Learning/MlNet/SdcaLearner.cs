using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace ClickPredict.Learning.MlNet;

/// <summary>
/// Batch logistic regression by ML.NET's SDCA on the hashed indices of <see cref="HashedExamples"/>,
/// converted into a <see cref="LogisticModel"/>. One thread, a fixed seed: repeatable.
/// </summary>
public sealed class SdcaLearner
{
    public SdcaLearner(SdcaOptions? options = null)
    {
        Options = options ?? new SdcaOptions();
        Options.Validate();
    }

    public SdcaOptions Options { get; }

    /// <summary>Fits the examples (weighted by their weights); <paramref name="info"/> supplies id, data source and metrics.</summary>
    public LogisticModel Fit(HashedExamples examples, ModelInfo? info = null) => Fit(examples, info, out _);

    /// <summary>Also gives ML.NET's own fitted transformer (tests compare its predictions with the converted model's).</summary>
    internal LogisticModel Fit(HashedExamples examples, ModelInfo? info, out ITransformer transformer) =>
        LinearModels.Fit(examples, info, Options.Seed, "sdca", Options.ToDictionary(), context => context.BinaryClassification.Trainers.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = HashedDataView.LabelColumn,
                FeatureColumnName = HashedDataView.FeaturesColumn,
                ExampleWeightColumnName = HashedDataView.WeightColumn,
                L1Regularization = (float)Options.L1,
                L2Regularization = (float)Options.L2,
                MaximumNumberOfIterations = Options.MaxIterations,
                ConvergenceTolerance = (float)Options.Tolerance,
                Shuffle = Options.Shuffle,
                NumberOfThreads = 1,
            }), out transformer);
}
