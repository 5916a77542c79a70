namespace ClickPredict.Core.Registry;

/// <summary>
/// One retrain-policy decision, kept beside the registry's index (the last few) so that anything
/// watching the registry, such as the bidder's status page, can show why models were or were not published.
/// </summary>
public sealed record RegistryDecision
{
    public DateTimeOffset AtUtc { get; init; }

    /// <summary>What was decided: <c>publish</c>, <c>skip</c>, ...</summary>
    public required string Decision { get; init; }

    /// <summary>Why, in the policy's words.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];

    /// <summary>The version published, when one was.</summary>
    public string? Label { get; init; }

    public double? CandidateLogLoss { get; init; }

    public double? ChampionLogLoss { get; init; }

    /// <summary>Examples the candidate learned since the previous decision.</summary>
    public long NewExamples { get; init; }

    /// <summary>
    /// How many more decisions just like this one (same decision, reason and trigger, one after another) it stands
    /// for: refused recalibrate-only rounds every few seconds are kept as one line (see
    /// <see cref="ModelRegistry.RecordDecision"/>), its figures the latest's. 0: it stands for itself only.
    /// </summary>
    public int Repeats { get; init; }

    /// <summary>With <see cref="Repeats"/>, when the first of them was decided (<see cref="AtUtc"/> is the latest).</summary>
    public DateTimeOffset? FirstAtUtc { get; init; }

    /// <summary>Whether <paramref name="other"/> is the same decision for the same reason and trigger (the first two <see cref="Reasons"/>).</summary>
    public bool SameAs(RegistryDecision other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Decision, other.Decision, StringComparison.Ordinal)
            && Reasons.Take(2).SequenceEqual(other.Reasons.Take(2), StringComparer.Ordinal);
    }
}
