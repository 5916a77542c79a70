using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Status;
using ClickPredict.Bidder.Events;
using ClickPredict.Core.OpenRtb;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.ObjectPool;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// The HTTP side of a bid: content negotiation (JSON or MessagePack, gzip in and out), body limits,
/// the engine's decision, the response (bid, 204 or the exchange's 200 no-bid), refusals as 4xx
/// with a short JSON error, metrics and event logging. A bid request never gets a 5xx: an
/// unexpected failure is logged and answered as a no-bid for a technical error.
/// </summary>
internal sealed class BidHandler
{
    private const string JsonType = "application/json";
    private const string MessagePackType = "application/x-msgpack";
    private const string Version25 = "2.5";
    private const string Version26 = "2.6";

    private readonly BidEngine _engine;
    private readonly ObjectPool<BidContext> _pool;
    private readonly EventLog _events;
    private readonly BidderMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<BidHandler> _logger;
    private readonly LiveStatus _status;
    private readonly int _maxBodyBytes;
    private readonly bool _gzipResponses;
    private readonly int _gzipMinBytes;

    public BidHandler(BidEngine engine, EventLog events, BidderMetrics metrics, LiveStatus status, TimeProvider time, ILogger<BidHandler> logger, int maxBodyBytes, bool gzipResponses, int gzipMinBytes)
    {
        _status = status;
        _engine = engine;
        _events = events;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _maxBodyBytes = maxBodyBytes;
        _gzipResponses = gzipResponses;
        _gzipMinBytes = gzipMinBytes;
        _pool = new DefaultObjectPool<BidContext>(new ContextPolicy(engine), Environment.ProcessorCount * 8);
    }

    public async Task HandleAsync(HttpContext http, Exchange exchange)
    {
        var start = _time.GetTimestamp();
        var request = http.Request;
        var format = BodyFormat.Json;
        var formatName = "json";
        var ctx = _pool.Get();
        try
        {
            ctx.StartTimestamp = start;
            ctx.ReceivedUtc = _time.GetUtcNow();
            if (!TryGetFormat(request.ContentType, out format))
            {
                await RefuseAsync(http, ctx, 415, "unsupported_media_type", "Content-Type must be application/json or application/x-msgpack", start, formatName).ConfigureAwait(false);
                return;
            }

            formatName = format == BodyFormat.Json ? "json" : "msgpack";
            if (request.ContentLength > _maxBodyBytes)
            {
                await DrainAsync(request.BodyReader).ConfigureAwait(false);
                await RefuseAsync(http, ctx, 413, "too_large", $"the body is larger than {_maxBodyBytes} bytes", start, formatName).ConfigureAwait(false);
                return;
            }

            var encoding = request.Headers.ContentEncoding;
            var gzip = false;
            if (encoding.Count > 0 && !IsIdentity(encoding))
            {
                if (!IsGzip(encoding))
                {
                    await RefuseAsync(http, ctx, 415, "unsupported_media_type", "Content-Encoding must be gzip or absent", start, formatName).ConfigureAwait(false);
                    return;
                }

                gzip = true;
            }

            bool bid;
            if (gzip)
            {
                var body = await ReadGzipAsync(request.Body, ctx.Scratch).ConfigureAwait(false);
                if (body.Length > _maxBodyBytes)
                {
                    await RefuseAsync(http, ctx, 413, "too_large", $"the decompressed body is larger than {_maxBodyBytes} bytes", start, formatName).ConfigureAwait(false);
                    return;
                }

                bid = _engine.Process(ctx, new ReadOnlySequence<byte>(body), format, exchange);
            }
            else
            {
                var reader = request.BodyReader;
                ReadResult read;
                while (true)
                {
                    read = await reader.ReadAsync().ConfigureAwait(false);
                    if (read.Buffer.Length > _maxBodyBytes)
                    {
                        reader.AdvanceTo(read.Buffer.End);
                        if (!read.IsCompleted)
                        {
                            await DrainAsync(reader).ConfigureAwait(false);
                        }

                        await RefuseAsync(http, ctx, 413, "too_large", $"the body is larger than {_maxBodyBytes} bytes", start, formatName).ConfigureAwait(false);
                        return;
                    }

                    if (read.IsCompleted || read.IsCanceled)
                    {
                        break;
                    }

                    // Not all here yet: look again once more has arrived.
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                }

                try
                {
                    bid = _engine.Process(ctx, read.Buffer, format, exchange);
                }
                finally
                {
                    // The parsed request holds copies; the pipe's buffer can go.
                    reader.AdvanceTo(read.Buffer.End);
                }
            }

            if (bid)
            {
                await WriteBidAsync(http, ctx, format).ConfigureAwait(false);
                var bidTimeMs = ctx.ReceivedUtc.ToUnixTimeMilliseconds();
                for (var i = 0; i < ctx.BidCount; i++)
                {
                    _metrics.Bid(ctx.Bids[i].Pctr);
                    _status.Bid(ctx.Bids[i].Id, ctx.Bids[i].Pctr, bidTimeMs);
                }

                Completed(ctx, formatName, "bid", start);
                _events.Bids(ctx);
            }
            else
            {
                await WriteNoBidAsync(http, ctx, format, exchange).ConfigureAwait(false);
                _metrics.NoBid(NoBidReasons.Name(ctx.Reason));
                Completed(ctx, formatName, "nobid", start);
            }
        }
        catch (BidRequestException e)
        {
            await RefuseAsync(http, ctx, e.StatusCode, e.Code, e.Message, start, formatName).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals while reading the body: over MaxRequestBodySize (413), cut short (400).
            Log.BodyRefused(_logger, e.StatusCode, e.Message);
            await RefuseAsync(http, ctx, e.StatusCode, e.StatusCode == 413 ? "too_large" : "malformed", e.Message, start, formatName).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            await RefuseAsync(http, ctx, 400, "malformed", "the gzip body is not valid: " + e.Message, start, formatName).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
        {
            // A bug, not the request's fault: never a 5xx on the bid path, and never a crashed process.
            Log.HandlerFailed(_logger, e);
            if (!http.Response.HasStarted)
            {
                ctx.ClearBids();
                ctx.SetReason(NoBidReason.TechnicalError);
                await WriteNoBidAsync(http, ctx, format, exchange).ConfigureAwait(false);
            }

            _metrics.NoBid(NoBidReasons.Name(NoBidReason.TechnicalError));
            Completed(ctx, formatName, "nobid", start);
        }
        finally
        {
            _pool.Return(ctx);
        }
    }

    private async Task WriteBidAsync(HttpContext http, BidContext ctx, BodyFormat format)
    {
        var response = http.Response;
        response.StatusCode = 200;
        response.ContentType = format == BodyFormat.Json ? JsonType : MessagePackType;
        SetCommonHeaders(http, ctx);
        var body = ctx.Output.WrittenMemory;
        if (_gzipResponses && body.Length >= _gzipMinBytes && AcceptsGzip(http.Request))
        {
            body = Compress(body, ctx.Scratch);
            response.Headers.ContentEncoding = "gzip";
        }

        response.ContentLength = body.Length;
        await response.BodyWriter.WriteAsync(body).ConfigureAwait(false);
    }

    private static async Task WriteNoBidAsync(HttpContext http, BidContext ctx, BodyFormat format, Exchange exchange)
    {
        var response = http.Response;
        SetCommonHeaders(http, ctx);
        if (exchange.NoBidStatus == 204 || !ctx.Parsed)
        {
            response.StatusCode = 204;
            return;
        }

        ctx.Output.ResetWrittenCount();
        ctx.Json.Reset(ctx.Output);
        BidEngine.WriteNoBid(ctx, format);
        response.StatusCode = 200;
        response.ContentType = format == BodyFormat.Json ? JsonType : MessagePackType;
        response.ContentLength = ctx.Output.WrittenCount;
        await response.BodyWriter.WriteAsync(ctx.Output.WrittenMemory).ConfigureAwait(false);
    }

    /// <summary>Counts a finished request in the metrics and on the status page.</summary>
    private void Completed(BidContext ctx, string formatName, string outcome, long start)
    {
        var seconds = _time.GetElapsedTime(start).TotalSeconds;
        _metrics.Request(formatName, outcome, seconds);
        _status.Request(outcome == "bid", seconds, ctx.Model?.Label);
    }

    private async Task RefuseAsync(HttpContext http, BidContext ctx, int status, string code, string message, long start, string formatName)
    {
        Log.RequestRefused(_logger, code, message);
        _metrics.Refused(code);
        Completed(ctx, formatName, "refused", start);
        if (http.Response.HasStarted)
        {
            return;
        }

        await ErrorBody.WriteAsync(http, ctx.Output, ctx.Json, status, code, message).ConfigureAwait(false);
    }

    private static void SetCommonHeaders(HttpContext http, BidContext ctx)
    {
        var headers = http.Response.Headers;
        headers["x-openrtb-version"] = VersionOf(http.Request);
        if (ctx.Model is { } model)
        {
            headers["x-model-version"] = model.Label;
        }
    }

    /// <summary>Ours, echoing the exchange's when it is one we speak.</summary>
    private static string VersionOf(HttpRequest request)
    {
        var asked = request.Headers["x-openrtb-version"];
        return asked.Count == 1 && string.Equals(asked[0], Version25, StringComparison.Ordinal) ? Version25 : Version26;
    }

    /// <summary>JSON when the type says so or says nothing (OpenRTB's default); MessagePack for <c>application/x-msgpack</c>.</summary>
    private static bool TryGetFormat(string? contentType, out BodyFormat format)
    {
        format = BodyFormat.Json;
        if (string.IsNullOrEmpty(contentType))
        {
            return true;
        }

        var type = contentType.AsSpan();
        var semicolon = type.IndexOf(';');
        type = (semicolon < 0 ? type : type[..semicolon]).Trim();
        if (type.Equals(JsonType, StringComparison.OrdinalIgnoreCase) || type.Equals("text/json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (type.Equals(MessagePackType, StringComparison.OrdinalIgnoreCase) || type.Equals("application/msgpack", StringComparison.OrdinalIgnoreCase)
            || type.Equals("application/vnd.msgpack", StringComparison.OrdinalIgnoreCase))
        {
            format = BodyFormat.MessagePack;
            return true;
        }

        return false;
    }

    private static bool IsIdentity(Microsoft.Extensions.Primitives.StringValues encoding) =>
        encoding.Count == 1 && string.Equals(encoding[0]?.Trim(), "identity", StringComparison.OrdinalIgnoreCase);

    private static bool IsGzip(Microsoft.Extensions.Primitives.StringValues encoding) =>
        encoding.Count == 1 && (string.Equals(encoding[0]?.Trim(), "gzip", StringComparison.OrdinalIgnoreCase) || string.Equals(encoding[0]?.Trim(), "x-gzip", StringComparison.OrdinalIgnoreCase));

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.Headers.AcceptEncoding)
        {
            if (value is not null && value.Contains("gzip", StringComparison.OrdinalIgnoreCase) && !value.Contains("gzip;q=0", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads and discards the rest of a body we refuse, so the client gets its 413 instead of a
    /// connection torn down while it is still sending. Kestrel's own limit (<see cref="HardBodyLimit"/>)
    /// bounds how much is drained: past it Kestrel throws and closes the connection.
    /// </summary>
    private static async Task DrainAsync(PipeReader reader)
    {
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync().ConfigureAwait(false);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (BadHttpRequestException)
        {
            // Over Kestrel's hard limit: it closes the connection; the refusal is written if it still can be.
        }
    }

    /// <summary>Kestrel's per-request body limit: bodies up to this are read (and drained when refused); beyond it the connection is closed.</summary>
    public static long HardBodyLimit(int maxBodyBytes) => Math.Max(16L * maxBodyBytes, 1024 * 1024);

    /// <summary>Decompresses into <paramref name="scratch"/>, reading at most one byte past the limit.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadGzipAsync(Stream body, MemoryStream scratch)
    {
        scratch.SetLength(0);
        var gzip = new GZipStream(body, CompressionMode.Decompress, leaveOpen: true);
        await using (gzip.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int read;
                while ((read = await gzip.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    scratch.Write(buffer, 0, read);
                    if (scratch.Length > _maxBodyBytes)
                    {
                        // A gzip bomb stops here: no more is inflated.
                        break;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        return scratch.GetBuffer().AsMemory(0, (int)scratch.Length);
    }

    private static ReadOnlyMemory<byte> Compress(ReadOnlyMemory<byte> body, MemoryStream scratch)
    {
        scratch.SetLength(0);
        using (var gzip = new GZipStream(scratch, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body.Span);
        }

        return scratch.GetBuffer().AsMemory(0, (int)scratch.Length);
    }

    private sealed class ContextPolicy(BidEngine engine) : PooledObjectPolicy<BidContext>
    {
        public override BidContext Create() => engine.CreateContext();

        public override bool Return(BidContext obj) => true;
    }
}
