using System.Text.Json.Serialization;
using ClickPredict.Bidder.Api;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Fleet;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Notices;
using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Shading;
using ClickPredict.Bidder.Status;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Kafka;
using ClickPredict.ServiceDefaults;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Hosting;

/// <summary>The bidder's wiring: configuration, options, campaigns, models, the bid engine, notices, events and Kestrel's limits.</summary>
internal static class BidderHostingExtensions
{
    public static IHostApplicationBuilder AddBidder(this IHostApplicationBuilder builder)
    {
        var paths = BidderPaths.Find(builder.Environment.ContentRootPath);

        // config/bidder.json sits beneath every other source: environment variables and the command line override it.
        var file = new JsonConfigurationSource { Path = paths.Resolve(BidderPaths.ConfigFile), Optional = true, ReloadOnChange = false };
        file.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, file);

        var services = builder.Services;
        services.AddSingleton(paths);
        services.TryAddSingleton(TimeProvider.System);

        // Bound by the source-generated binder; a key we do not know (a typo) or a value that does
        // not convert stops start-up naming it, and so does a value the validator refuses.
        services.AddOptions<BidderOptions>().BindConfiguration(BidderOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BidderOptions>, BidderOptionsValidator>();
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>();
        services.AddOptions<NoticeOptions>().BindConfiguration(NoticeOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NoticeOptions>, NoticeOptionsValidator>();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();
        services.AddOptions<StatusOptions>().BindConfiguration(StatusOptions.SectionName, RefuseUnknownKeys).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StatusOptions>, StatusOptionsValidator>();
        services.AddSingleton(sp => new LiveStatus(sp.GetRequiredService<IOptions<StatusOptions>>().Value, sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton<BidderMetrics>();
        services.AddSingleton(sp =>
        {
            var bidder = sp.GetRequiredService<IOptions<BidderOptions>>().Value;
            return CampaignCatalog.Load(paths.Resolve(bidder.CampaignsPath), bidder.PublicBaseUrl);
        });
        services.AddSingleton(sp => new BudgetLedger(
            sp.GetRequiredService<CampaignCatalog>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<BidderOptions>>().Value.PacingHeadroomMinutes,
            sp.GetRequiredService<IOptions<FleetOptions>>().Value is { Enabled: true } fleet
                ? new FleetBudget(sp.GetRequiredService<BidIds>().Nonce, fleet.ShareRemainder, fleet.BidReserveMs)
                : null));
        services.AddSingleton(sp => new CurrencyTable(sp.GetRequiredService<IOptions<BidderOptions>>().Value.FxRates));
        services.AddSingleton(sp => new NoticeSigner(sp.GetRequiredService<IOptions<NoticeOptions>>().Value.HmacKey));
        services.AddSingleton(sp => new BidResponseWriter(sp.GetRequiredService<NoticeSigner>(), sp.GetRequiredService<IOptions<BidderOptions>>().Value.Seat));
        services.AddSingleton<BidIds>();

        services.AddSingleton(sp => new ModelHolder(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.History));
        services.AddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<IOptions<RegistryOptions>>().Value;
            return new ModelValidator(sp.GetRequiredService<CampaignCatalog>(), registry.CanaryRequests, registry.ExpectedSpecFingerprint, registry.CanaryMinMeanPctr, registry.CanaryMaxMeanPctr);
        });
        services.AddSingleton<ModelWatcher>();
        builder.AddBidShading();
        // /readyz answers ready once a model serves.
        services.AddHealthChecks()
            .AddCheck<ModelReadyHealthCheck>("model", tags: [ServiceDefaultsExtensions.ReadyTag])
            .AddCheck<FleetReadyHealthCheck>("fleet", tags: [ServiceDefaultsExtensions.ReadyTag]);

        services.AddSingleton(sp =>
        {
            var bidder = sp.GetRequiredService<IOptions<BidderOptions>>().Value;
            return new BidEngine(
                sp.GetRequiredService<CampaignCatalog>(),
                sp.GetRequiredService<ModelHolder>(),
                sp.GetRequiredService<BudgetLedger>(),
                sp.GetRequiredService<CurrencyTable>(),
                sp.GetRequiredService<BidResponseWriter>(),
                sp.GetRequiredService<BidIds>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<FirstPricePricer>(),
                new BidEngineSettings(BidRequestLimits.Default, bidder.FirstPriceShading, bidder.DefaultTMaxMs, bidder.NetworkAllowanceMs, CaptureEventFields: bidder.LogEvents));
        });
        // Events go to Kafka (the embedded broker unless Kafka:BootstrapServers names a cluster).
        builder.AddClickPredictKafka();
        services.AddSingleton<IEventTransport, KafkaEventTransport>();
        services.AddSingleton(sp =>
        {
            var bidder = sp.GetRequiredService<IOptions<BidderOptions>>().Value;
            return new EventLog(
                bidder.LogEvents ? sp.GetRequiredService<IEventTransport>() : null,
                sp.GetRequiredService<BidderMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                new EventLogSettings(bidder.EventBatchBytes, bidder.EventFlushMs, bidder.EventBufferKb * 1024));
        });
        services.AddSingleton(sp =>
        {
            var bidder = sp.GetRequiredService<IOptions<BidderOptions>>().Value;
            return new BidHandler(
                sp.GetRequiredService<BidEngine>(),
                sp.GetRequiredService<EventLog>(),
                sp.GetRequiredService<BidderMetrics>(),
                sp.GetRequiredService<LiveStatus>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<BidHandler>>(),
                bidder.MaxBodyBytes,
                bidder.GzipResponses,
                bidder.GzipMinBytes);
        });
        services.AddSingleton(sp =>
        {
            var notices = sp.GetRequiredService<IOptions<NoticeOptions>>().Value;
            return new NoticeLedger(sp.GetRequiredService<TimeProvider>(), notices.WinMaxAgeSeconds, notices.ClickMaxAgeSeconds);
        });
        services.AddSingleton(sp =>
        {
            var notices = sp.GetRequiredService<IOptions<NoticeOptions>>().Value;
            return new NoticeHandler(
                sp.GetRequiredService<CampaignCatalog>(),
                sp.GetRequiredService<BudgetLedger>(),
                sp.GetRequiredService<NoticeLedger>(),
                sp.GetRequiredService<NoticeSigner>(),
                sp.GetRequiredService<CurrencyTable>(),
                sp.GetRequiredService<EventLog>(),
                sp.GetRequiredService<BidderMetrics>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<NoticeHandler>>(),
                sp.GetRequiredService<LiveStatus>(),
                notices.WinMaxAgeSeconds,
                notices.ClickMaxAgeSeconds);
        });
        services.AddSingleton<BidderGauges>();

        // Campaigns first (a bad file stops start-up before anything else), then the model.
        services.AddHostedService<BidderStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelWatcher>());
        // The fleet's spend, read back from the impressions topic (no bids until today's is read).
        services.AddSingleton<SpendReader>();
        services.AddHostedService(sp => sp.GetRequiredService<SpendReader>());

        // The admin and status endpoints' typed results: source-generated JSON, nulls left out.
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, BidderApiJsonContext.Default);
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<BidderOptions>>((kestrel, bidder) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = BidHandler.HardBodyLimit(bidder.Value.MaxBodyBytes);
            kestrel.Limits.MaxRequestHeadersTotalSize = bidder.Value.MaxHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = bidder.Value.MaxHeaderCount;
        });
        services.AddOptions<SocketTransportOptions>().Configure<IOptions<BidderOptions>>((transport, bidder) =>
            transport.UnsafePreferInlineScheduling = bidder.Value.InlineScheduling);
        return builder;
    }

    private static void RefuseUnknownKeys(BinderOptions binder) => binder.ErrorOnUnknownConfiguration = true;
}
