using ClickPredict.Bidder.Hosting;
using ClickPredict.Bidder.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Tests.Hosting;

/// <summary><c>Bidder:InlineScheduling</c>: both halves follow the one setting, and an operator's own variable wins.</summary>
public sealed class InlineSocketsTests
{
    [Theory]
    [InlineData(null, null, "1")]
    [InlineData("true", null, "1")]
    [InlineData("True", null, "1")]
    [InlineData("false", null, null)]
    [InlineData("sometimes", null, null)]
    [InlineData(null, "0", null)]
    [InlineData(null, "1", null)]
    [InlineData("false", "1", null)]
    public void Decide_FollowsTheSettingUnlessTheVariableIsSet(string? setting, string? current, string? expected)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (setting is not null)
        {
            values["Bidder:InlineScheduling"] = setting;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        Assert.Equal(expected, InlineSockets.Decide(configuration, current));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public void KestrelTransport_FollowsTheSetting(string? setting, bool inline)
    {
        using var factory = new BidderFactory();
        if (setting is not null)
        {
            factory.Settings["Bidder:InlineScheduling"] = setting;
        }

        var transport = factory.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value;
        Assert.Equal(inline, transport.UnsafePreferInlineScheduling);
    }
}
