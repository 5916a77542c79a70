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
/// With an answer size (<c>--answer-bytes</c>, the size of a bid answer) it answers 200 with a constant JSON
/// body of that many bytes and the bidder's two headers instead: what sending a bid-sized answer costs
/// Kestrel, the kernel and wrk, without any of the bid's own work (a ceiling for the bidder's ratio).
/// </summary>
internal static class BareKestrel
{
    public static void Run(string urls, int answerBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(answerBytes);
        var answer = answerBytes == 0 ? null : ConstantAnswer(answerBytes);
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
        app.MapPost("/openrtb2/bid", http => ParseAsync(http, pool, answer));
        Console.WriteLine(answer is null
            ? $"bare Kestrel baseline: POST {urls}/openrtb2/bid parses and answers 204"
            : $"bare Kestrel baseline: POST {urls}/openrtb2/bid parses and answers 200 with a constant {answer.Length}-byte JSON body");
        app.Run();
    }

    /// <summary>A JSON object of exactly <paramref name="bytes"/> bytes (at least the 10 of <c>{"a":""}</c> and a pad).</summary>
    private static byte[] ConstantAnswer(int bytes)
    {
        const string Open = "{\"a\":\"", Close = "\"}";
        var pad = Math.Max(0, bytes - Open.Length - Close.Length);
        return System.Text.Encoding.ASCII.GetBytes(Open + new string('x', pad) + Close);
    }

    private static async Task ParseAsync(HttpContext http, ObjectPool<BidRequest> pool, byte[]? answer)
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
        }
        catch (BidRequestException)
        {
            http.Response.StatusCode = 400;
            return;
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
            pool.Return(request);
        }

        if (answer is null)
        {
            http.Response.StatusCode = 204;
            return;
        }

        // As the bidder answers: the whole body in one write, its content type and its two headers.
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.ContentLength = answer.Length;
        response.Headers["x-openrtb-version"] = "2.6";
        response.Headers["x-model-version"] = "ctr-default@1";
        await response.BodyWriter.WriteAsync(answer);
    }
}
