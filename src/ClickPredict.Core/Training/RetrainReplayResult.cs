namespace ClickPredict.Core.Training;

/// <summary>One policy's figures from a <see cref="RetrainReplay"/>.</summary>
public sealed record RetrainReplayResult
{
    public required string Policy { get; init; }

    /// <summary>Rounds that formed and scored a candidate.</summary>
    public int Trainings { get; init; }

    public int Published { get; init; }

    public int Decisions { get; init; }

    /// <summary>CPU seconds of this policy's rounds (forming, scoring and writing candidates).</summary>
    public double RetrainCpuSeconds { get; init; }

    /// <summary>CPU seconds of this policy's continuous learner (observing and learning every example).</summary>
    public double LearnCpuSeconds { get; init; }

    /// <summary>Learning plus this policy's rounds.</summary>
    public double CpuSeconds => RetrainCpuSeconds + LearnCpuSeconds;

    public long Examples { get; init; }

    /// <summary>Average log loss of the model this policy served, over every replayed example.</summary>
    public double ServingLogLoss { get; init; }
}
