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
}
