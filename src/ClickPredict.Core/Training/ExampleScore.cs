namespace ClickPredict.Core.Training;

/// <summary>
/// What an <see cref="OnlineTrainer"/> predicted for an example before it learned anything from it: the
/// learner's pCTR and the champion's (the model serving; NaN without one). Progressive validation and a
/// replay's serving log loss are made of these.
/// </summary>
public readonly record struct ExampleScore(double Learner, double Champion);
