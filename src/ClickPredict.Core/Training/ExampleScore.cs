namespace ClickPredict.Core.Training;

/// <summary>
/// What an <see cref="OnlineTrainer"/> predicted for an example before it learned anything from it: the
/// learner's pCTR, the champion's (the model serving; NaN without one), and the serving score after live
/// calibration (the champion's, or the learner's without a policy; NaN without calibration). Progressive
/// validation and a replay's serving log loss are made of these.
/// </summary>
public readonly record struct ExampleScore(double Learner, double Champion, double Calibrated = double.NaN);
