using System.IO.Pipelines;
using ClickPredict.Bidder.Hosting;
using ClickPredict.Core.OpenRtb;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// The baseline for the bidder's wrk figures: Kestrel with the same defaults (inline scheduling
/// included), one endpoint that reads the body from the pipe, parses it with the same OpenRTB parser
/// into a pooled request, and answers 204. Everything the bidder does on top (features, scoring,
/// pricing, the response, metrics, events) is what the ratio measures.
/// </summary>
internal static class BareKestrel
{
    public static void Run(string urls)
    {
        var builder = WebApplication.CreateBuilder();
        // The bidder's transport defaults too: Bidder:InlineScheduling (on unless configured off, e.g. by the
        // environment variable Bidder__InlineScheduling=false), both Kestrel's half and the runtime's.
        InlineSockets.Apply(builder.Configuration);
        var inline = InlineSockets.Enabled(builder.Configuration);
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        builder.Services.Configure<KestrelServerOptions>(o => o.AddServerHeader = false);
        builder.Services.Configure<SocketTransportOptions>(o => o.UnsafePreferInlineScheduling = inline);
        var app = builder.Build();
        var pool = new DefaultObjectPool<BidRequest>(new DefaultPooledObjectPolicy<BidRequest>(), Environment.ProcessorCount * 8);
        app.MapPost("/openrtb2/bid", http => ParseAsync(http, pool));
        Console.WriteLine($"bare Kestrel baseline: POST {urls}/openrtb2/bid parses and answers 204");
        app.Run();
    }

    private static async Task ParseAsync(HttpContext http, ObjectPool<BidRequest> pool)
    {
        var reader = http.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync();
            if (read.IsCompleted || read.IsCanceled)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var request = pool.Get();
        try
        {
            BidRequestParser.Parse(read.Buffer, request);
            http.Response.StatusCode = 204;
        }
        catch (BidRequestException)
        {
            http.Response.StatusCode = 400;
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
            pool.Return(request);
        }
    }
}
