using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClickPredict.Bidder.Tests.Hosting;

/// <summary>
/// ASP.NET Core's hosting layer starts an <see cref="System.Diagnostics.Activity"/> and a log scope for every
/// request whenever its diagnostics logger is enabled at any level; the bidder logs nothing through it, so the
/// shipped config/bidder.json turns that category off, and a bid request pays for neither.
/// </summary>
public sealed class ShippedLoggingTests : IDisposable
{
    private readonly BidderFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public void ShippedConfig_TurnsOffTheHostingDiagnosticsLogger_AndKeepsKestrelsWarnings()
    {
        _ = _factory.Client;
        var loggers = _factory.Services.GetRequiredService<ILoggerFactory>();

        Assert.False(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Critical));

        // Not all logging off: Kestrel still reports an application error, and the bidder its own warnings.
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Server.Kestrel").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("ClickPredict.Bidder.Api.BidHandler").IsEnabled(LogLevel.Warning));
    }
}
