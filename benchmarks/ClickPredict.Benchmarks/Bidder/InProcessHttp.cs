using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// One <see cref="HttpContext"/> reused request after request, as Kestrel reuses its own: the body read
/// from memory and the answer written to memory, every read and write complete at once, so what a request
/// allocates is what the handler allocates. Response headers keep <c>Content-Length</c> as a number, as
/// Kestrel's do (the framework's <see cref="HeaderDictionary"/> would format it into a new string).
/// </summary>
internal sealed class InProcessHttp
{
    private readonly HttpRequestFeature _request = new() { Method = HttpMethods.Post, Path = "/openrtb2/bid", Headers = new HeaderDictionary() };
    private readonly HttpResponseFeature _response = new() { Headers = new ResponseHeaders() };
    private readonly Body _body = new();

    public InProcessHttp()
    {
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(_request);
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IRequestBodyPipeFeature>(_body);
        features.Set<IHttpResponseBodyFeature>(Sink);
        Context = new DefaultHttpContext(features);
    }

    public HttpContext Context { get; }

    public ResponseSink Sink { get; } = new();

    public HttpContext Next(ReadOnlyMemory<byte> body, string contentType)
    {
        if (!ReferenceEquals(_request.Headers.ContentType.ToString(), contentType))
        {
            _request.Headers.ContentType = contentType;
        }

        _body.Reset(body);
        _response.StatusCode = StatusCodes.Status200OK;
        _response.Headers.Clear();
        Sink.Reset();
        return Context;
    }

    /// <summary>The request body: all of it there from the first read.</summary>
    private sealed class Body : PipeReader, IRequestBodyPipeFeature
    {
        private ReadOnlySequence<byte> _data;

        public PipeReader Reader => this;

        public void Reset(ReadOnlyMemory<byte> body) => _data = new ReadOnlySequence<byte>(body);

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(_data, isCanceled: false, isCompleted: true);
            return true;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            new(new ReadResult(_data, isCanceled: false, isCompleted: true));

        public override void AdvanceTo(SequencePosition consumed) => _data = _data.Slice(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => AdvanceTo(consumed);

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }

    /// <summary>The response body, kept in memory until the next request.</summary>
    internal sealed class ResponseSink : PipeWriter, IHttpResponseBodyFeature
    {
        private readonly ArrayBufferWriter<byte> _written = new(8192);
        private Stream? _stream;

        public ReadOnlyMemory<byte> Written => _written.WrittenMemory;

        public Stream Stream => _stream ??= AsStream(leaveOpen: true);

        public PipeWriter Writer => this;

        public void Reset() => _written.ResetWrittenCount();

        public override void Advance(int bytes) => _written.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _written.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _written.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult(isCanceled: false, isCompleted: false));

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task CompleteAsync() => Task.CompletedTask;
    }
}
