namespace ClickPredict.Trainer.Hosting;

/// <summary>The trainer's one endpoint beyond the service defaults: <c>GET /status</c>.</summary>
internal static class TrainerApi
{
    public static WebApplication MapTrainerApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/status", GetStatus);
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<StatusResponse> GetStatus(TrainerStatus status) => TypedResults.Ok(new StatusResponse(
        status.JoinerRunning,
        status.JoinerPartitions,
        status.JoinerMemberPartitions,
        status.JoinerPending,
        status.JoinerOutages,
        status.ExamplesEmitted,
        status.LearnerRunning,
        status.LearnerOutages,
        status.ExamplesConsumed,
        status.ExamplesLearned,
        status.Published,
        status.Champion,
        status.Failure,
        status.Calibration,
        status.WinRate?.Invoke()));

    /// <summary>The body of <c>GET /status</c>.</summary>
    internal sealed record StatusResponse(
        bool? JoinerRunning,
        int JoinerPartitions,
        IReadOnlyList<int> JoinerMemberPartitions,
        long JoinerPending,
        long JoinerOutages,
        long ExamplesEmitted,
        bool? LearnerRunning,
        long LearnerOutages,
        long ExamplesConsumed,
        long ExamplesLearned,
        int Published,
        string? Champion,
        string? Failure,
        string? Calibration,
        WinRate.WinRateTrainerView? WinRate);
}
