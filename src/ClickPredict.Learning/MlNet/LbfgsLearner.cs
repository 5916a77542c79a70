using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace ClickPredict.Learning.MlNet;

/// <summary>
/// Batch logistic regression by ML.NET's L-BFGS on the hashed indices of <see cref="HashedExamples"/>,
/// converted into a <see cref="LogisticModel"/> (bias + weights) that the usual scorer serves.
/// One thread, a fixed seed: the same data give the same model.
/// </summary>
public sealed class LbfgsLearner
{
    public LbfgsLearner(LbfgsOptions? options = null)
    {
        Options = options ?? new LbfgsOptions();
        Options.Validate();
    }

    public LbfgsOptions Options { get; }

    /// <summary>Fits the examples (weighted by their weights); <paramref name="info"/> supplies id, data source and metrics.</summary>
    public LogisticModel Fit(HashedExamples examples, ModelInfo? info = null) => Fit(examples, info, out _);

    /// <summary>Also gives ML.NET's own fitted transformer (tests compare its predictions with the converted model's).</summary>
    internal LogisticModel Fit(HashedExamples examples, ModelInfo? info, out ITransformer transformer) =>
        LinearModels.Fit(examples, info, Options.Seed, "lbfgs", Options.ToDictionary(), context => context.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                LabelColumnName = HashedDataView.LabelColumn,
                FeatureColumnName = HashedDataView.FeaturesColumn,
                ExampleWeightColumnName = HashedDataView.WeightColumn,
                L1Regularization = (float)Options.L1,
                L2Regularization = (float)Options.L2,
                OptimizationTolerance = (float)Options.Tolerance,
                HistorySize = Options.HistorySize,
                MaximumNumberOfIterations = Options.MaxIterations,
                NumberOfThreads = 1,
                Quiet = true,
            }), out transformer);
}
