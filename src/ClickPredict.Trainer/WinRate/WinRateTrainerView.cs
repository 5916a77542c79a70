namespace ClickPredict.Trainer.WinRate;

/// <summary>The win-rate learner in the trainer's <c>/status</c>: its champion, what it learned, what it publishes.</summary>
internal sealed record WinRateTrainerView(
    string? Champion,
    long Outcomes,
    long Wins,
    long Losses,
    long Censored,
    long MinToWinReports,
    int PendingBids,
    long Published,
    long Kept);
