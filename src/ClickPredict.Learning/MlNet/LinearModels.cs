using ClickPredict.Core.Learning;
using ClickPredict.Core.Model;
using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace ClickPredict.Learning.MlNet;

/// <summary>Turns an ML.NET calibrated linear model into the one <see cref="LogisticModel"/> every scorer uses.</summary>
internal static class LinearModels
{
    /// <summary>
    /// Fits the logistic-regression trainer <paramref name="makeTrainer"/> builds (on one thread, seeded
    /// by <paramref name="seed"/>) on the examples' sparse data view, and converts the result into a
    /// <see cref="LogisticModel"/> described by <paramref name="info"/>, the algorithm, its
    /// hyper-parameters and the training cost. <paramref name="transformer"/> is ML.NET's own fitted model.
    /// </summary>
    public static LogisticModel Fit(
        HashedExamples examples,
        ModelInfo? info,
        int seed,
        string algorithm,
        IReadOnlyDictionary<string, double> hyperParameters,
        Func<MLContext, IEstimator<BinaryPredictionTransformer<CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator>>>> makeTrainer,
        out ITransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            throw new ArgumentException("no examples to fit", nameof(examples));
        }

        var clock = TrainingClock.StartNew();
        var context = new MLContext(seed);
        var fitted = makeTrainer(context).Fit(HashedDataView.Create(context, examples));
        transformer = fitted;
        return ToLogisticModel(fitted.Model, examples, Describe(info, algorithm, hyperParameters, examples, clock));
    }

    /// <summary>
    /// ML.NET scores <c>s = bias + w . x</c> and calibrates with Platt, <c>P = 1 / (1 + exp(slope * s + offset))</c>,
    /// so the logit is <c>-(slope * s + offset)</c>: the weights scale by <c>-slope</c> and the bias becomes
    /// <c>-(slope * bias + offset)</c>. For logistic regression slope is -1 and offset 0.
    /// </summary>
    public static LogisticModel ToLogisticModel(
        CalibratedModelParametersBase<LinearBinaryModelParameters, PlattCalibrator> parameters,
        HashedExamples data,
        ModelInfo info)
    {
        var linear = parameters.SubModel;
        var calibrator = parameters.Calibrator;
        var scale = -calibrator.Slope;
        var weights = linear.Weights;
        if (weights.Count != data.Spec.Size)
        {
            throw new InvalidOperationException($"ML.NET returned {weights.Count} weights for a spec of 2^{data.Spec.HashBits}");
        }

        var indices = new List<int>();
        var values = new List<float>();
        for (var i = 0; i < weights.Count; i++)
        {
            var w = (float)(scale * weights[i]);
            if (!float.IsFinite(w))
            {
                throw new InvalidOperationException($"ML.NET weight {i} is not finite ({weights[i]}); the model is refused");
            }

            if (w != 0f)
            {
                indices.Add(i);
                values.Add(w);
            }
        }

        var bias = -((calibrator.Slope * linear.Bias) + calibrator.Offset);
        if (!double.IsFinite(bias))
        {
            throw new InvalidOperationException($"ML.NET bias is not finite ({bias}); the model is refused");
        }

        return LogisticModel.CreateSparse(info, data.Spec, bias, [.. indices], [.. values]);
    }

    /// <summary>The header for a batch fit: what the caller knows, plus algorithm, hyper-parameters and examples.</summary>
    public static ModelInfo Describe(ModelInfo? info, string algorithm, IReadOnlyDictionary<string, double> hyperParameters, HashedExamples data, TrainingClock clock)
    {
        info ??= new ModelInfo();
        return info with
        {
            Algorithm = algorithm,
            HyperParameters = hyperParameters,
            NegativeSamplingRate = 1.0,
            TrainingData = info.TrainingData with
            {
                Rows = info.TrainingData.Rows > 0 ? info.TrainingData.Rows : data.Count,
                Positives = info.TrainingData.Rows > 0 ? info.TrainingData.Positives : data.Positives,
                FromUtc = info.TrainingData.FromUtc ?? data.FromUtc,
                ToUtc = info.TrainingData.ToUtc ?? data.ToUtc,
            },
            Cost = clock.Cost(data.Count),
        };
    }
}
