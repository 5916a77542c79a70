namespace ClickPredict.Core.Shading;

/// <summary>What a win-rate model is and where it came from: the header of its file (with the learner's settings).</summary>
public sealed record WinRateModelInfo
{
    /// <summary>Stable name of the model line.</summary>
    public string ModelId { get; init; } = "winrate";

    /// <summary>Increases by one with every model published on the line.</summary>
    public int Version { get; init; } = 1;

    /// <summary><c>modelId@version</c> of the model this one continues from, if any.</summary>
    public string? Parent { get; init; }

    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UnixEpoch;

    /// <summary>Outcomes (wins and losses) learned from, over every exchange.</summary>
    public long Observations { get; init; }

    /// <summary>Time of the first and last outcome learned from, when known.</summary>
    public DateTimeOffset? FromUtc { get; init; }

    public DateTimeOffset? ToUtc { get; init; }

    /// <summary>The learner's settings (<c>learningRate</c>, <c>decay</c>, ...).</summary>
    public IReadOnlyDictionary<string, double> HyperParameters { get; init; } = new Dictionary<string, double>();

    /// <summary>Figures at training time, e.g. <c>winLogLoss</c>: the progressive log loss of P(win) at the bids made.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public string? Notes { get; init; }

    /// <summary><c>modelId@version</c>.</summary>
    public string Label => $"{ModelId}@{Version}";
}
