using ClickPredict.Trainer.Joining;

namespace ClickPredict.Trainer.Hosting;

/// <summary>
/// What the trainer's loops report about themselves, for <c>/readyz</c>, the <c>/status</c> endpoint and
/// tests. Written by the loops, read from any thread.
/// </summary>
internal sealed class TrainerStatus
{
    private long _examplesEmitted;
    private long _joinerTicks;
    private long _examplesLearned;
    private long _examplesConsumed;
    private int _published;
    private JoinerMember[] _members = [];
    private int[] _memberPartitions = [];
    private long[] _memberPending = [];
    private Func<long>? _learnerOutages;

    /// <summary>Whether the joiner loop runs (null when disabled).</summary>
    public bool? JoinerRunning { get; set; }

    /// <summary>Whether the learner loop runs (null when disabled).</summary>
    public bool? LearnerRunning { get; set; }

    /// <summary>Why a loop stopped for good, if it did.</summary>
    public string? Failure { get; set; }

    /// <summary>Partitions the joiner holds.</summary>
    public int JoinerPartitions
    {
        get
        {
            var sum = 0;
            var partitions = Volatile.Read(ref _memberPartitions);
            for (var i = 0; i < partitions.Length; i++)
            {
                sum += Volatile.Read(ref partitions[i]);
            }

            return sum;
        }
    }

    /// <summary>Partitions each member of the joiner (<c>Trainer:Joiner:Consumers</c>) holds, in member order.</summary>
    public IReadOnlyList<int> JoinerMemberPartitions => [.. Volatile.Read(ref _memberPartitions)];

    /// <summary>Auctions the joiner holds (waiting for events or for their window), as of each member's last tick.</summary>
    public long JoinerPending
    {
        get
        {
            long sum = 0;
            var pending = Volatile.Read(ref _memberPending);
            for (var i = 0; i < pending.Length; i++)
            {
                sum += Interlocked.Read(ref pending[i]);
            }

            return sum;
        }
    }

    /// <summary>Broker outages the joiner's consumers have seen (each member counts its own).</summary>
    public long JoinerOutages => Volatile.Read(ref _members).Sum(m => m.Outages);

    /// <summary>Broker outages the learner's consumer has seen.</summary>
    public long LearnerOutages => _learnerOutages?.Invoke() ?? 0;

    public long ExamplesEmitted => Interlocked.Read(ref _examplesEmitted);

    /// <summary>Ticks the joiner's members have made (each moves its partitions' clocks and finishes what they passed).</summary>
    public long JoinerTicks => Interlocked.Read(ref _joinerTicks);

    /// <summary>Examples the learner has read (learned, held out, or sampled out).</summary>
    public long ExamplesConsumed => Interlocked.Read(ref _examplesConsumed);

    public long ExamplesLearned => Interlocked.Read(ref _examplesLearned);

    public int Published => Volatile.Read(ref _published);

    /// <summary>The champion's label as the learner last saw it.</summary>
    public string? Champion { get; set; }

    /// <summary>The calibration last published for the champion (<c>ctr@7 calibration 3</c>), if any.</summary>
    public string? Calibration { get; set; }

    /// <summary>The win-rate learner's figures, read when asked (null while it does not run).</summary>
    public Func<WinRate.WinRateTrainerView>? WinRate { get; set; }

    /// <summary>The joiner starts these members.</summary>
    public void StartJoiner(JoinerMember[] members)
    {
        _memberPartitions = new int[members.Length];
        _memberPending = new long[members.Length];
        _members = members;
    }

    /// <summary>Member <paramref name="number"/>'s partitions and pending auctions.</summary>
    public void SetJoinerMember(int number, int partitions, long pending)
    {
        var slots = Volatile.Read(ref _memberPartitions);
        var pendingSlots = Volatile.Read(ref _memberPending);
        if ((uint)number < (uint)slots.Length && number < pendingSlots.Length)
        {
            Volatile.Write(ref slots[number], partitions);
            Interlocked.Exchange(ref pendingSlots[number], pending);
        }
    }

    /// <summary>Where the learner's outage count is read from.</summary>
    public void StartLearner(Func<long> outages) => _learnerOutages = outages;

    public void Emitted() => Interlocked.Increment(ref _examplesEmitted);

    public void JoinerTicked() => Interlocked.Increment(ref _joinerTicks);

    public void SetLearned(long learned) => Interlocked.Exchange(ref _examplesLearned, learned);

    public void PublishedOne() => Interlocked.Increment(ref _published);

    public void SetConsumed(long consumed) => Interlocked.Exchange(ref _examplesConsumed, consumed);
}
