using ClickPredict.Bidder.Options;
using ClickPredict.Bidder.Shading;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Hosting;

/// <summary>First-price shading's wiring: the <c>Shading</c> options, the win-rate model holder, its registry watcher and the pricer.</summary>
internal static class ShadingHostingExtensions
{
    public static IHostApplicationBuilder AddBidShading(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BidShadingOptions>().BindConfiguration(BidShadingOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BidShadingOptions>, BidShadingOptionsValidator>();
        services.AddSingleton<WinRateHolder>();
        services.AddSingleton(sp => new FirstPricePricer(
            sp.GetRequiredService<WinRateHolder>(),
            sp.GetRequiredService<IOptions<BidShadingOptions>>().Value,
            sp.GetRequiredService<IOptions<BidderOptions>>().Value.FirstPriceShading));
        services.AddSingleton<WinRateWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WinRateWatcher>());
        return builder;
    }
}
