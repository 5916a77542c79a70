namespace ClickPredict.Core.Training;

/// <summary>What a <see cref="RetrainScheduler"/> keeps across restarts (JSON in the learner's checkpoint).</summary>
public sealed record SchedulerState
{
    public DateTimeOffset? LastRoundAt { get; init; }

    public DateTimeOffset? LastPublishAt { get; init; }

    public long ExamplesSincePublish { get; init; }

    public int Trainings { get; init; }

    public int Publications { get; init; }

    public double RoundCpuSeconds { get; init; }

    /// <summary>Round costs of the trailing hour.</summary>
    public IReadOnlyList<CostEntry> Ledger { get; init; } = [];

    /// <summary>The drift fields the reference belongs to.</summary>
    public IReadOnlyList<string> DriftFields { get; init; } = [];

    /// <summary>Reference proportions of the drift fields (null before one was frozen).</summary>
    public double[]? DriftReference { get; init; }

    /// <summary>One round's cost.</summary>
    public sealed record CostEntry
    {
        public DateTimeOffset At { get; init; }

        public double CpuSeconds { get; init; }
    }
}
