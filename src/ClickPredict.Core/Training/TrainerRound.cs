using ClickPredict.Core.Model;

namespace ClickPredict.Core.Training;

/// <summary>
/// A retrain round an <see cref="OnlineTrainer"/> decided: the decision with its figures and, when it says
/// publish, the candidate with its full lineage (training data, metrics, cost, notes). Whoever stores the
/// candidate (a registry) calls <see cref="OnlineTrainer.Published"/> with what it stored.
/// </summary>
public sealed record TrainerRound(RetrainDecision Decision, LogisticModel? Candidate);
