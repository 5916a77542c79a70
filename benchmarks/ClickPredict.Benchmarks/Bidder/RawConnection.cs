using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ClickPredict.Benchmarks.Bidder;

/// <summary>
/// One keep-alive HTTP/1.1 connection of the load tool's raw client: writes a prepared request and reads
/// its answer (status line, headers, then a <c>Content-Length</c> or chunked body, or none for 204/304)
/// with blocking socket calls on the calling thread.
/// </summary>
internal sealed class RawConnection : IDisposable
{
    private readonly Uri _url;
    private readonly byte[] _buffer = new byte[256 * 1024];
    private Socket? _socket;
    private int _start;
    private int _end;

    public RawConnection(Uri url)
    {
        _url = url;
        _socket = Connect(url);
    }

    /// <summary>The bytes of a JSON POST of <paramref name="body"/> to <paramref name="url"/>.</summary>
    public static byte[] Request(Uri url, byte[] body)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(head), .. body];
    }

    /// <summary>Sends <paramref name="request"/> and reads its whole answer; returns the status code.</summary>
    public int Send(byte[] request)
    {
        _socket ??= Connect(_url);
        _socket.Send(request);
        var headerEnd = ReadUntil("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd - _start);
        _start = headerEnd + 4;
        var lines = head.Split("\r\n");
        var statusLine = lines[0].Split(' ', 3);
        if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusLine[1], CultureInfo.InvariantCulture, out var status))
        {
            throw new InvalidDataException($"not an HTTP/1.x status line: '{lines[0]}'");
        }

        long length = 0;
        var chunked = false;
        var close = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(value, CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                close = value.Equals("close", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (chunked)
        {
            while (true)
            {
                var sizeEnd = ReadUntil("\r\n"u8);
                var size = Convert.ToInt64(Encoding.ASCII.GetString(_buffer, _start, sizeEnd - _start).Split(';')[0].Trim(), 16);
                _start = sizeEnd + 2;
                Skip(size + 2);
                if (size == 0)
                {
                    break;
                }
            }
        }
        else
        {
            Skip(length);
        }

        if (close)
        {
            Reconnect();
        }

        return status;
    }

    /// <summary>Drops this connection (after an error or a <c>Connection: close</c>); the next send opens a new one.</summary>
    public void Reconnect()
    {
        _socket?.Dispose();
        _socket = null;
        _start = _end = 0;
    }

    public void Dispose() => _socket?.Dispose();

    private static Socket Connect(Uri url)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(url.Host, url.Port);
        return socket;
    }

    /// <summary>Reads until <paramref name="marker"/> is among the unread bytes; returns its index in the buffer.</summary>
    private int ReadUntil(ReadOnlySpan<byte> marker)
    {
        while (true)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(marker);
            if (at >= 0)
            {
                return _start + at;
            }

            Fill();
        }
    }

    /// <summary>Consumes <paramref name="count"/> bytes (a body), reading them as needed.</summary>
    private void Skip(long count)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                Fill();
            }

            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            // Keep the unread bytes at the front.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("an answer's head is larger than the buffer");
        }

        var read = _socket!.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }

        _end += read;
    }
}
