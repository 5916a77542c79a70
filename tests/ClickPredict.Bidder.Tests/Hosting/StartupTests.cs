using ClickPredict.Bidder.Tests.Infrastructure;

namespace ClickPredict.Bidder.Tests.Hosting;

/// <summary>A bad configuration stops start-up with a message that names the key (or the campaigns entry).</summary>
public sealed class StartupTests
{
    // 235 characters: with the scheme and host, a base URL over the 256 the bid's URL buffer allows.
    private const string LongPath = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Theory]
    [InlineData("Bidder:FirstPriceShading", "1.5", "Bidder:FirstPriceShading")]
    [InlineData("Bidder:FirstPriceShading", "lots", "FirstPriceShading")]
    [InlineData("Bidder:PublicBaseUrl", "ftp://example.com", "Bidder:PublicBaseUrl")]
    [InlineData("Bidder:PublicBaseUrl", "https://bidder.example/" + LongPath, "Bidder:PublicBaseUrl must be at most 256 characters")]
    [InlineData("Bidder:DefaultExchange", "nowhere", "Bidder:DefaultExchange")]
    [InlineData("Bidder:Exchanges:sim:NoBidStatus", "500", "Bidder:Exchanges:sim:NoBidStatus")]
    [InlineData("Bidder:FxRates:EUR", "0", "Bidder:FxRates:EUR")]
    [InlineData("Bidder:MaxBodyBytes", "12", "Bidder:MaxBodyBytes")]
    [InlineData("Bidder:InlineScheduling", "sometimes", "InlineScheduling")]
    [InlineData("Bidder:FirstPriceShadng", "0.7", "FirstPriceShadng")]
    [InlineData("Registry:ExpectedSpecFingerprint", "xyz", "Registry:ExpectedSpecFingerprint")]
    [InlineData("Registry:CanaryMaxMeanPctr", "2", "Registry:CanaryMinMeanPctr and Registry:CanaryMaxMeanPctr")]
    [InlineData("Notices:HmacKey", "short", "Notices:HmacKey")]
    [InlineData("Admin:Token", "short", "Admin:Token")]
    [InlineData("Fleet:ConnectTimeoutMs", "5", "Fleet:ConnectTimeoutMs")]
    [InlineData("Fleet:FetchWaitMs", "-1", "Fleet:FetchWaitMs")]
    [InlineData("Fleet:BidReserveMs", "-5", "Fleet:BidReserveMs")]
    [InlineData("Fleet:StartWithoutKafka", "maybe", "StartWithoutKafka")]
    [InlineData("Fleet:ShareRemaindr", "true", "ShareRemaindr")]
    [InlineData("Bidder:LogEvents", "false", "Fleet:Enabled needs Bidder:LogEvents")]
    [InlineData("Shading:ExplorationShare", "0.9", "Shading:ExplorationShare")]
    [InlineData("Shading:ExplorationWidth", "-1", "Shading:ExplorationWidth")]
    [InlineData("Shading:MinObservations", "-1", "Shading:MinObservations")]
    [InlineData("Shading:Pricing", "Guess", "Pricing")]
    [InlineData("Shading:RegistryPath", " ", "Shading:RegistryPath")]
    public void Start_WithABadSetting_FailsNamingTheKey(string key, string value, string named)
    {
        using var factory = new BidderFactory();
        factory.Settings[key] = value;
        var error = Assert.ThrowsAny<Exception>(() => factory.Client);
        Assert.Contains(named, Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithABadCampaignsFile_FailsNamingTheEntry()
    {
        using var factory = new BidderFactory();
        var path = Path.Combine(factory.Directory, "campaigns.json");
        File.WriteAllText(path, File.ReadAllText(Repo.CampaignsFile).Replace("\"maxCpmUsd\": 9.0", "\"maxCpmUsd\": -1", StringComparison.Ordinal));
        factory.Settings["Bidder:CampaignsPath"] = path;
        var error = Assert.ThrowsAny<Exception>(() => factory.Client);
        Assert.Contains("advertisers[0].campaigns[1].maxCpmUsd: must be greater than 0", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_WithAnUnknownCampaignsKey_FailsNamingIt()
    {
        using var factory = new BidderFactory();
        var path = Path.Combine(factory.Directory, "campaigns.json");
        File.WriteAllText(path, File.ReadAllText(Repo.CampaignsFile).Replace("\"maxCpmUsd\"", "\"maxCpm\"", StringComparison.Ordinal));
        factory.Settings["Bidder:CampaignsPath"] = path;
        var error = Assert.ThrowsAny<Exception>(() => factory.Client);
        Assert.Contains("maxCpm", Flatten(error), StringComparison.Ordinal);
        Assert.Contains(path, Flatten(error), StringComparison.Ordinal);
    }

    private static string Flatten(Exception e)
    {
        var text = new System.Text.StringBuilder();
        for (var x = e; x is not null; x = x.InnerException)
        {
            text.AppendLine(x.Message);
            if (x is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    text.AppendLine(Flatten(inner));
                }
            }
        }

        return text.ToString();
    }
}
