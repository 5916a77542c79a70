namespace ClickPredict.Trainer.Hosting;

/// <summary>
/// What the trainer's loops report about themselves, for <c>/readyz</c>, the <c>/status</c> endpoint and
/// tests. Written by the loops, read from any thread.
/// </summary>
internal sealed class TrainerStatus
{
    private long _joinerPending;
    private long _examplesEmitted;
    private long _examplesLearned;
    private long _examplesConsumed;
    private int _published;

    /// <summary>Whether the joiner loop runs (null when disabled).</summary>
    public bool? JoinerRunning { get; set; }

    /// <summary>Whether the learner loop runs (null when disabled).</summary>
    public bool? LearnerRunning { get; set; }

    /// <summary>Why a loop stopped for good, if it did.</summary>
    public string? Failure { get; set; }

    /// <summary>Partitions the joiner holds.</summary>
    public int JoinerPartitions { get; set; }

    /// <summary>Partitions each member of the joiner (<c>Trainer:Joiner:Consumers</c>) holds, in member order.</summary>
    public IReadOnlyList<int> JoinerMemberPartitions { get; set; } = [];

    public long ExamplesEmitted => Interlocked.Read(ref _examplesEmitted);

    /// <summary>Auctions the joiner holds (waiting for events or for their window), as of its last tick.</summary>
    public long JoinerPending
    {
        get => Interlocked.Read(ref _joinerPending);
        set => Interlocked.Exchange(ref _joinerPending, value);
    }

    /// <summary>Examples the learner has read (learned, held out, or sampled out).</summary>
    public long ExamplesConsumed => Interlocked.Read(ref _examplesConsumed);

    public long ExamplesLearned => Interlocked.Read(ref _examplesLearned);

    public int Published => Volatile.Read(ref _published);

    /// <summary>The champion's label as the learner last saw it.</summary>
    public string? Champion { get; set; }

    public void Emitted() => Interlocked.Increment(ref _examplesEmitted);

    public void Consumed() => Interlocked.Increment(ref _examplesConsumed);

    public void SetLearned(long learned) => Interlocked.Exchange(ref _examplesLearned, learned);

    public void PublishedOne() => Interlocked.Increment(ref _published);

    public void SetConsumed(long consumed) => Interlocked.Exchange(ref _examplesConsumed, consumed);
}
