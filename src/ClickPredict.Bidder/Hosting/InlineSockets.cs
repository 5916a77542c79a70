using Microsoft.Extensions.Configuration;

namespace ClickPredict.Bidder.Hosting;

/// <summary>
/// The process-wide half of <c>Bidder:InlineScheduling</c>. Kestrel's half (run the request on the thread
/// that completed its read) is an option of the server; this half makes the runtime complete socket reads
/// and writes on its event threads instead of queueing them to the thread pool. Together a request costs
/// no thread hand-off at all; on the two-core machine in docs/BENCHMARKS.md that halves the CPU per request
/// and takes the fixed-rate p99 under 1 ms. The runtime reads <see cref="Variable"/> once, when the
/// first socket is registered, so a process that serves the bidder alone calls <see cref="Apply"/> before
/// anything opens a socket. Processes hosting more than the bidder (the CLI's demo) leave it alone: it
/// would change every socket in them.
/// </summary>
public static class InlineSockets
{
    /// <summary>The runtime's switch for inline socket completions.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// What the variable should become: "1" when <c>Bidder:InlineScheduling</c> is on (the default) and the
    /// variable is not already set; null to leave it as it is (set by the operator, or the option is off or
    /// not a boolean, which option validation then reports).
    /// </summary>
    public static string? Decide(IConfiguration configuration, string? current)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (current is not null)
        {
            return null;
        }

        return Enabled(configuration) ? "1" : null;
    }

    /// <summary>
    /// Whether <c>Bidder:InlineScheduling</c> is on: unset (the default) or true. A value that is not a
    /// boolean counts as off here; option validation refuses it when the bidder starts.
    /// </summary>
    public static bool Enabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{Options.BidderOptions.SectionName}:{nameof(Options.BidderOptions.InlineScheduling)}"];
        return configured is null || (bool.TryParse(configured, out var value) && value);
    }

    /// <summary>Sets <see cref="Variable"/> for this process as <see cref="Decide"/> says; true when it was set.</summary>
    public static bool Apply(IConfiguration configuration)
    {
        if (Decide(configuration, Environment.GetEnvironmentVariable(Variable)) is not { } value)
        {
            return false;
        }

        Environment.SetEnvironmentVariable(Variable, value);
        return true;
    }
}
