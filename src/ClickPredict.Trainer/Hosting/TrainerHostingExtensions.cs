using ClickPredict.Core.Training;
using ClickPredict.Kafka;
using ClickPredict.ServiceDefaults;
using ClickPredict.Trainer.Diagnostics;
using ClickPredict.Trainer.Joining;
using ClickPredict.Trainer.Learning;
using ClickPredict.Trainer.Options;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Hosting;

/// <summary>The trainer's wiring.</summary>
internal static class TrainerHostingExtensions
{
    /// <summary>
    /// Adds the trainer: <c>config/trainer.json</c> beneath every other configuration source (reloaded on
    /// change: the <c>RetrainPolicy</c> section applies without a restart), its options bound by the
    /// source-generated binder and validated at start (an unknown key or a bad value stops start-up
    /// naming the key), Kafka, metrics, the joiner and the learner, and the readiness check.
    /// </summary>
    public static IHostApplicationBuilder AddTrainer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var paths = TrainerPaths.Find(builder.Environment.ContentRootPath);
        var file = new JsonConfigurationSource { Path = paths.Resolve(TrainerPaths.ConfigFile), Optional = true, ReloadOnChange = true };
        file.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, file);

        var services = builder.Services;
        services.AddSingleton(paths);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(TrainingMeter.Thread);
        services.AddOptions<TrainerOptions>().BindConfiguration(TrainerOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrainerOptions>, TrainerOptionsValidator>();
        services.AddOptions<TrainerRegistryOptions>().BindConfiguration(TrainerRegistryOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrainerRegistryOptions>, TrainerRegistryOptionsValidator>();
        services.AddOptions<RetrainPolicyOptions>().BindConfiguration(RetrainPolicyOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RetrainPolicyOptions>, RetrainPolicyOptionsValidator>();

        builder.AddClickPredictKafka();
        services.AddSingleton<TrainerMetrics>();
        services.AddSingleton<TrainerStatus>();
        services.AddHostedService<JoinerService>();
        services.AddHostedService<LearnerService>();
        services.AddHostedService<WinRate.WinRateService>();
        services.AddHealthChecks().AddCheck<TrainerReadyHealthCheck>("trainer", tags: [ServiceDefaultsExtensions.ReadyTag]);
        return builder;
    }

    private static void RefuseUnknownKeys(BinderOptions binder) => binder.ErrorOnUnknownConfiguration = true;
}
