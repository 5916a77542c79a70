using ClickPredict.Core.Calibration;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

/// <summary>
/// A retrain round an <see cref="OnlineTrainer"/> decided: the decision with its figures and, when it says
/// publish, the candidate with its full lineage (training data, metrics, cost, notes). Whoever stores the
/// candidate (a registry) calls <see cref="OnlineTrainer.Published"/> with what it stored. A recalibrate-only
/// round carries the champion's live calibration instead; whoever stores it calls
/// <see cref="OnlineTrainer.CalibrationPublished"/>.
/// </summary>
public sealed record TrainerRound(RetrainDecision Decision, LogisticModel? Candidate, CalibrationShift? Calibration = null);
