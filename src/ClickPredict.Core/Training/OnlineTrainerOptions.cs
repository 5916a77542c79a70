using ClickPredict.Core.Calibration;
using ClickPredict.Core.Learning;

namespace ClickPredict.Core.Training;

/// <summary>How an <see cref="OnlineTrainer"/> learns, holds out and consults its policy; checked by <see cref="Validate"/>.</summary>
public sealed record OnlineTrainerOptions
{
    /// <summary>The model line candidates are published as.</summary>
    public string ModelId { get; init; } = "ctr";

    /// <summary>FTRL-Proximal hyper-parameters (its own negative sampling rate stays 1: down-sampling is weighted, see <see cref="NegativeSamplingRate"/>).</summary>
    public FtrlOptions Ftrl { get; init; } = new();

    /// <summary>Most recent examples held back (not learned yet) to score candidate and champion on; 0: every example is learned at once.</summary>
    public int HoldoutExamples { get; init; } = 20_000;

    /// <summary>Fraction of non-clicks learned, each with importance <c>1 / rate</c> (1: all of them).</summary>
    public double NegativeSamplingRate { get; init; } = 1;

    /// <summary>Seed of the down-sampler's draws.</summary>
    public ulong SamplingSeed { get; init; } = 1;

    /// <summary>The policy is consulted at the first example at least this many milliseconds of event time after the last consultation (0: not by time).</summary>
    public long CheckIntervalMs { get; init; } = 1000;

    /// <summary>The policy is consulted every this many examples (0: not by count).</summary>
    public int CheckEveryExamples { get; init; }

    /// <summary>Where the examples come from, as a candidate's lineage names it (<c>kafka:clickpredict.examples</c>).</summary>
    public string Source { get; init; } = "examples";

    /// <summary>The stream whose partitions and offsets a candidate's lineage lists (<c>topic/partition:from-to</c>).</summary>
    public string OffsetsName { get; init; } = "examples";

    /// <summary>Live calibration of the serving model between retrains; null: none.</summary>
    public LiveCalibrationOptions? Calibration { get; init; }

    /// <summary>Problems, each naming its option under <paramref name="prefix"/>; empty when valid.</summary>
    public IReadOnlyList<string> Validate(string prefix)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(ModelId))
        {
            failures.Add($"{prefix}:ModelId must be set.");
        }

        if (HoldoutExamples < 0)
        {
            failures.Add($"{prefix}:HoldoutExamples must be at least 0, not {HoldoutExamples}.");
        }

        if (!(NegativeSamplingRate is > 0 and <= 1))
        {
            failures.Add($"{prefix}:NegativeSamplingRate must be in (0, 1], not {NegativeSamplingRate}.");
        }

        if (CheckIntervalMs < 0 || CheckEveryExamples < 0 || (CheckIntervalMs == 0 && CheckEveryExamples == 0))
        {
            failures.Add($"{prefix}: the policy must be consulted by event time (CheckIntervalMs) or by count (CheckEveryExamples), neither negative.");
        }

        if (Calibration is not null)
        {
            failures.AddRange(Calibration.Validate($"{prefix}:Calibration"));
        }

        return failures;
    }
}
