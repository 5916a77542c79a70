using ClickPredict.Bidder.Api;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Campaigns;
using ClickPredict.Bidder.Events;
using ClickPredict.Bidder.Hosting;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Options;
using ClickPredict.Core.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// The bidder's request handler as the bidder builds it: its real DI registration (<c>AddBidder</c>, with
/// <c>config/bidder.json</c> beneath the given settings), the host built but not started. What the
/// hosted services would do at start is done directly, so nothing connects to a broker: the model is put
/// in service (as the model watcher does), and the fleet-mode budget ledger (<c>Fleet:Enabled</c>, bid
/// reservations on, as the bidder runs by default) is marked caught up (as the spend reader does once
/// today's spend is read back). Events go to the given transport (the Kafka one when none is given).
/// Requests go through <see cref="BidHandler"/> on one reused in-memory <see cref="HttpContext"/>: parse
/// to response written, metrics, status and events included. For the handler benchmark and the tests.
/// </summary>
internal sealed class InProcessBidder : IDisposable
{
    private readonly IHost _host;
    private readonly InProcessHttp _http = new();

    public InProcessBidder(string repoRoot, LogisticModel model, IReadOnlyDictionary<string, string?>? settings = null, IEventTransport? events = null, TimeProvider? time = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = repoRoot, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.AddBidder();
        if (events is not null)
        {
            builder.Services.AddSingleton(events);
        }

        _host = builder.Build();
        Services = _host.Services;
        Time = Services.GetRequiredService<TimeProvider>();
        Services.GetRequiredService<ModelHolder>().Swap(new ServingModel(model, ModelSource.DefaultFile, "(in memory)", null, Time.GetUtcNow()));
        Budgets = Services.GetRequiredService<BudgetLedger>();
        Budgets.CaughtUp();
        Handler = Services.GetRequiredService<BidHandler>();
        Events = Services.GetRequiredService<EventLog>();
        var options = Services.GetRequiredService<IOptions<BidderOptions>>().Value;
        Exchange = new Exchange(options.DefaultExchange, options.Exchanges[options.DefaultExchange].NoBidStatus);
    }

    public IServiceProvider Services { get; }

    public TimeProvider Time { get; }

    public BudgetLedger Budgets { get; }

    public BidHandler Handler { get; }

    public EventLog Events { get; }

    public Exchange Exchange { get; }

    /// <summary>The status code of the last answer.</summary>
    public int Status => _http.Context.Response.StatusCode;

    /// <summary>The body of the last answer (valid until the next request).</summary>
    public ReadOnlyMemory<byte> Response => _http.Sink.Written;

    /// <summary>One request through the handler; true when it bid. The in-memory body and sink complete every await at once.</summary>
    public bool Post(ReadOnlyMemory<byte> body, string contentType = "application/json")
    {
        var handled = Handler.HandleAsync(_http.Next(body, contentType), Exchange);
        if (!handled.IsCompletedSuccessfully)
        {
            handled.GetAwaiter().GetResult();
        }

        return Status == StatusCodes.Status200OK && !_http.Sink.Written.IsEmpty;
    }

    public void Dispose() => _host.Dispose();
}
