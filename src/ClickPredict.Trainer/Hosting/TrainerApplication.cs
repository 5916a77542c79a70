using ClickPredict.ServiceDefaults;

namespace ClickPredict.Trainer.Hosting;

/// <summary>
/// Builds the trainer as its own process runs it, for hosts that run it in-process (the CLI's
/// <c>demo</c>): service defaults, the trainer's wiring (joiner, learner, policy) and its endpoints.
/// </summary>
public static class TrainerApplication
{
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--Trainer:Learner:Bits=20</c>).</param>
    /// <param name="configure">Changes to the builder before the trainer is added: extra configuration, logging.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddTrainer();

        var app = builder.Build();
        app.MapServiceDefaults();
        app.MapTrainerApi();
        return app;
    }
}
