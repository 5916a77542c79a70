using System.Runtime.CompilerServices;

namespace ClickPredict.Core.Data;

/// <summary>
/// Reads a stream line by line as UTF-8 bytes through one reusable buffer: constant memory however
/// long the file, no allocation per line. Accepts <c>\n</c> and <c>\r\n</c>, and a last line without a newline.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private int _lastLineStart = -1;

    public LineReader(Stream stream, int bufferBytes = 1 << 16, int maxLineBytes = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferBytes];
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _lastLineStart = _start;
                line = TrimCr(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (_start < _end)
                {
                    _lastLineStart = _start;
                    line = TrimCr(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    LineNumber++;
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    /// <summary>Un-reads the line last returned, so the next call returns it again (once).</summary>
    public void Rewind()
    {
        if (_lastLineStart < 0)
        {
            throw new InvalidOperationException("no line to rewind to");
        }

        _start = _lastLineStart;
        _lastLineStart = -1;
        LineNumber--;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Move the partial line to the front to make room behind it.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            GrowOrFail();
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowOrFail()
    {
        if (_buffer.Length >= _maxLineBytes)
        {
            throw new DataFormatException($"line {LineNumber + 1} is longer than {_maxLineBytes} bytes");
        }

        Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _maxLineBytes));
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    public void Dispose() => _stream.Dispose();
}
