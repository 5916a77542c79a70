using System.Globalization;
using System.Text;

namespace ClickPredict.Core.Training;

/// <summary>
/// One decision of the retrain policy: when, what started the round, the outcome, the reason that
/// settled it and the figures it looked at (NaN where a figure was not computed).
/// </summary>
public sealed record RetrainDecision
{
    public required DateTimeOffset Time { get; init; }

    public required RetrainTrigger Trigger { get; init; }

    public required RetrainOutcome Outcome { get; init; }

    /// <summary>One of the <see cref="RetrainReason"/> tokens.</summary>
    public required string Reason { get; init; }

    /// <summary>Examples learned since the last publish.</summary>
    public long NewExamples { get; init; }

    /// <summary>Candidate's log loss on the holdout (the most recent examples it has not learned).</summary>
    public double CandidateLogLoss { get; init; } = double.NaN;

    /// <summary>The champion's log loss on the same holdout.</summary>
    public double ChampionLogLoss { get; init; } = double.NaN;

    /// <summary>Holdout examples both were scored on.</summary>
    public int HoldoutExamples { get; init; }

    /// <summary>Relative L2 change of the weights since the last publish.</summary>
    public double WeightChange { get; init; } = double.NaN;

    /// <summary>Champion's live log loss over the learner's progressive log loss on the recent window, minus 1.</summary>
    public double Degradation { get; init; } = double.NaN;

    /// <summary>Largest population stability index over the drift fields.</summary>
    public double Psi { get; init; } = double.NaN;

    /// <summary>The field with that index.</summary>
    public string? PsiField { get; init; }

    /// <summary>CPU seconds retrain rounds spent in the trailing hour before this one.</summary>
    public double CpuLastHour { get; init; }

    /// <summary>CPU seconds this round took (0 when skipped before forming a candidate).</summary>
    public double RoundCpuSeconds { get; init; }

    /// <summary>A recalibration round: recent progressive log loss with the live calibration.</summary>
    public double CalibrationLogLoss { get; init; } = double.NaN;

    /// <summary>A recalibration round: recent log loss with the calibration serving (none: the model alone).</summary>
    public double ServingCalibrationLogLoss { get; init; } = double.NaN;

    /// <summary>A recalibration round: recent log loss of the champion without calibration.</summary>
    public double UncalibratedLogLoss { get; init; } = double.NaN;

    /// <summary>A recalibration round: the live calibration's global shift.</summary>
    public double GlobalShift { get; init; } = double.NaN;

    /// <summary>Whether a candidate was formed and scored (a "training" in retrain-sim's counts).</summary>
    public bool Trained { get; init; }

    public bool Published => Outcome == RetrainOutcome.Publish;

    /// <summary>Whether the round published a calibration (recalibrate only).</summary>
    public bool Recalibrated => Outcome == RetrainOutcome.Recalibrate;

    /// <summary>The trigger as a short token (<c>interval</c>, <c>degradation</c>, ...).</summary>
    public string TriggerName => Trigger switch
    {
        RetrainTrigger.NoChampion => "no-champion",
        RetrainTrigger.Interval => "interval",
        RetrainTrigger.Degradation => "degradation",
        RetrainTrigger.Drift => "drift",
        RetrainTrigger.Recalibrate => "recalibrate",
        _ => "none",
    };

    /// <summary>The outcome as a short token (<c>publish</c>, <c>recalibrate</c>, <c>skip</c>).</summary>
    public string OutcomeName => Outcome switch
    {
        RetrainOutcome.Publish => "publish",
        RetrainOutcome.Recalibrate => "recalibrate",
        _ => "skip",
    };

    /// <summary>The figures, for a log line or a registry entry: <c>candidate=0.13100 champion=0.13350 ...</c>.</summary>
    public string Details()
    {
        var text = new StringBuilder();
        Append(text, "newExamples", NewExamples);
        Append(text, "candidateLogLoss", CandidateLogLoss);
        Append(text, "championLogLoss", ChampionLogLoss);
        Append(text, "holdout", HoldoutExamples);
        Append(text, "weightChange", WeightChange);
        Append(text, "degradation", Degradation);
        if (!double.IsNaN(Psi))
        {
            text.Append(CultureInfo.InvariantCulture, $"psi={Psi:F4}({PsiField}) ");
        }

        Append(text, "calibrationLogLoss", CalibrationLogLoss);
        Append(text, "servingCalibrationLogLoss", ServingCalibrationLogLoss);
        Append(text, "uncalibratedLogLoss", UncalibratedLogLoss);
        Append(text, "globalShift", GlobalShift);
        Append(text, "cpuLastHour", CpuLastHour);
        Append(text, "roundCpu", RoundCpuSeconds);
        return text.ToString().TrimEnd();
    }

    private static void Append(StringBuilder text, string name, double value)
    {
        if (!double.IsNaN(value))
        {
            text.Append(CultureInfo.InvariantCulture, $"{name}={value:0.######} ");
        }
    }

    private static void Append(StringBuilder text, string name, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name}={value} ");
}
