using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Notices;
using ClickPredict.Bidder.Options;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// The exchange-facing endpoints: <c>POST /openrtb2/bid</c> and <c>POST /openrtb/2.6/bid</c> for the
/// default exchange, <c>POST /openrtb2/{exchange}/bid</c> for each configured one, and the notices
/// (<c>/win</c>, <c>/bill</c>, <c>/loss</c>: GET or POST; <c>/click</c>: GET).
/// </summary>
internal static class BidApi
{
    public static IEndpointRouteBuilder MapBidApi(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var handler = services.GetRequiredService<BidHandler>();
        var notices = services.GetRequiredService<NoticeHandler>();
        var options = services.GetRequiredService<IOptions<BidderOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BidApi).FullName!);

        // Endpoints are bound to their exchange once, here: a request looks nothing up.
        var exchanges = new Dictionary<string, Exchange>(StringComparer.Ordinal);
        foreach (var (name, settings) in options.Exchanges)
        {
            exchanges[name] = new Exchange(name, settings.NoBidStatus);
        }

        var defaultExchange = exchanges[options.DefaultExchange];
        app.MapPost("/openrtb2/bid", http => Bid(http, handler, defaultExchange));
        app.MapPost("/openrtb/2.6/bid", http => Bid(http, handler, defaultExchange));
        foreach (var exchange in exchanges.Values)
        {
            app.MapPost($"/openrtb2/{exchange.Name}/bid", http => Bid(http, handler, exchange));
        }

        app.MapMethods("/win", [HttpMethods.Get, HttpMethods.Post], http => ImpressionNotice(http, notices, NoticeKind.Win));
        app.MapMethods("/bill", [HttpMethods.Get, HttpMethods.Post], http => ImpressionNotice(http, notices, NoticeKind.Bill));
        app.MapMethods("/loss", [HttpMethods.Get, HttpMethods.Post], http => Answer(http, notices.Loss(http.Request.Query)));
        app.MapGet("/click", http => Click(http, notices));

        Log.Endpoints(logger, string.Join(", ", exchanges.Keys), defaultExchange.Name, "/openrtb2/bid, /openrtb/2.6/bid, /openrtb2/{exchange}/bid");
        return app;
    }

    private static Task Bid(HttpContext http, BidHandler handler, Exchange exchange) => handler.HandleAsync(http, exchange);

    private static Task ImpressionNotice(HttpContext http, NoticeHandler notices, NoticeKind kind) =>
        Answer(http, notices.Impression(kind, http.Request.Query));

    private static Task Click(HttpContext http, NoticeHandler notices) => Answer(http, notices.Click(http.Request.Query));

    private static Task Answer(HttpContext http, NoticeResult result)
    {
        if (result.Location is { } location)
        {
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Redirect(location);
            return Task.CompletedTask;
        }

        if (result.Error is { } error)
        {
            return ErrorBody.WriteAsync(http, result.Status, error, result.Message ?? error);
        }

        http.Response.StatusCode = result.Status;
        return Task.CompletedTask;
    }
}
