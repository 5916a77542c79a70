using MessagePack;

namespace ClickPredict.Core.Events;

/// <summary>
/// A served impression with its outcome: what the trainer's joiner emits to the examples topic, what
/// <c>export-examples</c> writes and what <c>--format events</c> reads.
/// </summary>
[MessagePackObject]
public sealed class LabeledExample
{
    [Key(0)]
    public string BidId { get; set; } = string.Empty;

    [Key(1)]
    public bool Clicked { get; set; }

    [Key(2)]
    public long BidTimeUnixMs { get; set; }

    [Key(3)]
    public long ImpressionTimeUnixMs { get; set; }

    [Key(4)]
    public long? ClickTimeUnixMs { get; set; }

    [Key(5)]
    public string ModelId { get; set; } = string.Empty;

    [Key(6)]
    public int ModelVersion { get; set; }

    /// <summary>The pCTR the bid was priced with.</summary>
    [Key(7)]
    public double PCtr { get; set; }

    [Key(8)]
    public string Schema { get; set; } = "openrtb";

    [Key(9)]
    public Dictionary<string, string> Fields { get; set; } = [];

    /// <summary>The true click probability, known only for simulated traffic (to measure the best possible log loss).</summary>
    [Key(10)]
    public double? TrueCtr { get; set; }

    [Key(11)]
    public string SpecFingerprint { get; set; } = string.Empty;
}
