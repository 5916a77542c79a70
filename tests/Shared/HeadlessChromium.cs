using System.Diagnostics;
using System.Text;

namespace ClickPredict.Testing;

/// <summary>
/// Runs Debian's <c>chromium</c> headless on a page (a local file or a 127.0.0.1 URL) and returns the
/// DOM after its scripts ran (<c>--dump-dom</c>) or writes a screenshot. Each run gets a fresh
/// profile directory, no network beyond what the page itself asks for, and a bounded wait; a hung
/// browser is killed (the process tree this helper started, by its handle). Shared by test projects
/// as a linked source file (<c>tests/Shared</c>): the back-test report's test uses it, and so can the
/// demo's status page.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>The longest a single browser run may take before it is killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly string[] s_candidates = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>The browser executable: <c>$CHROMIUM</c> if set, else the first of chromium, chromium-browser, google-chrome on the PATH.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>
    /// Loads <paramref name="page"/> (a file path or a URL), lets its scripts run for up to
    /// <paramref name="virtualTimeBudgetMs"/> of virtual time, and returns the serialized DOM.
    /// </summary>
    public static string DumpDom(string page, int virtualTimeBudgetMs = 10_000)
    {
        var (output, _) = Run(page, virtualTimeBudgetMs, "--dump-dom");
        if (!output.Contains("<html", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"chromium printed no DOM for {page}: {Shorten(output)}");
        }

        return output;
    }

    /// <summary>Renders <paramref name="page"/> at <paramref name="width"/> x <paramref name="height"/> into a PNG file.</summary>
    public static void Screenshot(string page, string pngPath, int width = 1280, int height = 1600, int virtualTimeBudgetMs = 10_000)
    {
        Run(page, virtualTimeBudgetMs, $"--window-size={width},{height}", $"--screenshot={Path.GetFullPath(pngPath)}");
        if (!File.Exists(pngPath))
        {
            throw new InvalidOperationException($"chromium wrote no screenshot of {page}");
        }
    }

    private static (string Output, string Error) Run(string page, int virtualTimeBudgetMs, params string[] mode)
    {
        var executable = Executable ?? throw new InvalidOperationException(
            "chromium is not installed: install Debian's 'chromium' package (bash .ci/run does it when missing) or set CHROMIUM to a Chromium binary");
        var url = page.Contains("://", StringComparison.Ordinal) ? page : new Uri(Path.GetFullPath(page)).AbsoluteUri;
        var profile = Path.Combine(Path.GetTempPath(), "clickpredict-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile}",
            $"--virtual-time-budget={virtualTimeBudgetMs}",
        }.Concat(mode).Append(url))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"chromium did not finish {url} within {Timeout.TotalSeconds:F0} s");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {process.ExitCode} on {url}: {Shorten(error.Result)}");
            }

            return (output.Result, error.Result);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var name in s_candidates)
        {
            foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static string Shorten(string text) => text.Length <= 600 ? text.Trim() : text[..600].Trim() + "...";
}
