using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClickPredict.Benchmarks.Soak;

/// <summary>
/// The trainer service as a real child process (<c>dotnet ClickPredict.Trainer.dll</c>, built beside this
/// tool), configured by environment variables, its output kept in a log file: started, killed with
/// SIGKILL (no checkpoint, no flush, no leaving the group), stopped gracefully with SIGTERM, and asked for
/// its <c>/status</c>.
/// </summary>
internal sealed partial class TrainerProcess : IDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _log;
    private readonly Lock _logLock = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private Process? _process;
    private Uri? _address;

    public TrainerProcess(Dictionary<string, string> environment, string log)
    {
        _environment = environment;
        _log = log;
    }

    /// <summary>Lives started so far.</summary>
    public int Starts { get; private set; }

    public void Start()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ClickPredict.Trainer.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(RepositoryFile.Find("config/trainer.json")))!,
        };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        Volatile.Write(ref _address, null);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the trainer did not start");
        Starts++;
        var life = Starts;
        process.OutputDataReceived += (_, e) => Record(life, e.Data);
        process.ErrorDataReceived += (_, e) => Record(life, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref _address) is null)
        {
            if (process.HasExited || waited.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"the trainer did not start listening (see {_log})");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>SIGKILL: what a crash leaves behind.</summary>
    public void Kill()
    {
        var process = _process ?? throw new InvalidOperationException("the trainer is not running");
        process.Kill(entireProcessTree: false);
        process.WaitForExit();
        process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM: the host stops gracefully (final checkpoints, flush, commit).</summary>
    public void Stop()
    {
        var process = _process ?? throw new InvalidOperationException("the trainer is not running");
        using (var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false }))
        {
            signal?.WaitForExit();
        }

        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
        }

        process.WaitForExit();
        process.Dispose();
        _process = null;
    }

    /// <summary>The running trainer's <c>/status</c> (null when it does not answer).</summary>
    public JsonElement? Status()
    {
        var address = Volatile.Read(ref _address);
        if (address is null)
        {
            return null;
        }

        try
        {
            var text = _http.GetStringAsync(new Uri(address, "/status")).GetAwaiter().GetResult();
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process?.Dispose();
        _http.Dispose();
    }

    private void Record(int life, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            File.AppendAllText(_log, string.Create(CultureInfo.InvariantCulture, $"[life {life}] {line}\n"));
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            Volatile.Write(ref _address, new Uri(match.Groups[1].Value));
        }
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
