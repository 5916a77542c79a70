using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClickPredict.Kafka.Embedded;

/// <summary>
/// The discovery file a process writes when it starts an embedded broker others may use: who runs it
/// (pid and that process's start time, so a recycled pid is not mistaken for it) and where.
/// </summary>
internal sealed record BrokerAdvertisement(
    int Pid,
    DateTime ProcessStartUtc,
    string BootstrapServers,
    int Brokers,
    DateTime CreatedUtc)
{
    public const string FileName = "kafka-embedded.json";
    public const string LockFileName = "kafka-embedded.lock";

    /// <summary>How long a liveness probe waits for a TCP connect to one broker.</summary>
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(2);

    public static BrokerAdvertisement ForCurrentProcess(string bootstrapServers, int brokers)
    {
        using var self = Process.GetCurrentProcess();
        return new BrokerAdvertisement(Environment.ProcessId, self.StartTime.ToUniversalTime(), bootstrapServers, brokers, DateTime.UtcNow);
    }

    /// <summary>Reads the advertisement at <paramref name="path"/>; null when there is none or it is unreadable.</summary>
    public static BrokerAdvertisement? TryRead(string path, out string? problem)
    {
        problem = null;
        try
        {
            var json = File.ReadAllBytes(path);
            var advertisement = JsonSerializer.Deserialize(json, AdvertisementJsonContext.Default.BrokerAdvertisement);
            if (advertisement is null || advertisement.Pid <= 0 || string.IsNullOrWhiteSpace(advertisement.BootstrapServers))
            {
                problem = "incomplete advertisement";
                return null;
            }

            return advertisement;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Writes to a temporary file and renames it over <paramref name="path"/>, so readers never see half a file.</summary>
    public void Write(string path)
    {
        var temporary = path + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this, AdvertisementJsonContext.Default.BrokerAdvertisement));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Whether the advertised broker can be used: its process is still the one that wrote the file
    /// and one of its brokers accepts a TCP connection.
    /// </summary>
    public bool IsAlive(out string reason)
    {
        if (!ProcessIsRunning(out reason))
        {
            return false;
        }

        foreach (var server in BootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                continue;
            }

            if (Accepts(server[..colon], port))
            {
                reason = string.Empty;
                return true;
            }
        }

        reason = $"no broker at {BootstrapServers} accepts connections";
        return false;
    }

    private bool ProcessIsRunning(out string reason)
    {
        try
        {
            using var process = Process.GetProcessById(Pid);
            if (process.HasExited)
            {
                reason = $"process {Pid} has exited";
                return false;
            }

            // A pid can be reused; the start time tells the original process from a newcomer.
            var started = process.StartTime.ToUniversalTime();
            if ((started - ProcessStartUtc).Duration() > TimeSpan.FromSeconds(2))
            {
                reason = $"pid {Pid} now belongs to another process";
                return false;
            }

            reason = string.Empty;
            return true;
        }
        catch (ArgumentException)
        {
            reason = $"process {Pid} is not running";
            return false;
        }
        catch (InvalidOperationException)
        {
            reason = $"process {Pid} is not running";
            return false;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            reason = $"process {Pid} cannot be inspected: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="host"/>:<paramref name="port"/> accepts a TCP connection within the timeout.
    /// Synchronous on the calling thread (a non-blocking connect and a poll), so a busy thread pool cannot
    /// make a live broker look dead (an asynchronous connect's completion waits for a pool thread).
    /// </summary>
    private static bool Accepts(string host, int port)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host);
        }
        catch (SocketException)
        {
            return false;
        }

        foreach (var address in addresses)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                socket.Connect(address, port);
                return true;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                // Connecting: writable once connected, in error once refused.
                var micros = (int)(s_connectTimeout.Ticks / 10);
                if (socket.Poll(micros, SelectMode.SelectWrite) && (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! == 0)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                // Refused or unreachable: try the next address.
            }
        }

        return false;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BrokerAdvertisement))]
internal sealed partial class AdvertisementJsonContext : JsonSerializerContext;
