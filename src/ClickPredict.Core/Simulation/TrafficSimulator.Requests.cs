using System.Globalization;

namespace ClickPredict.Core.Simulation;

/// <summary>Generating one request: where, on what device, from where, when, by whom.</summary>
public sealed partial class TrafficSimulator
{
    private static readonly string[] s_consentAlphabet = ["CP", "Qx", "AA", "Bg", "Zz", "k7", "Lm", "93"];

    /// <summary>Generates the next request and advances the simulated clock.</summary>
    public SimRequest Next()
    {
        var r = _random;
        var isApp = r.Chance(Options.AppShare);
        var inventory = isApp ? _apps[r.PickCumulative(_appCdf)] : _sites[r.PickCumulative(_siteCdf)];
        var tag = inventory.Tags[r.Next(inventory.Tags.Length)];

        var countryIndex = r.PickCumulative(_countryCdf);
        var country = SimCatalog.Countries[countryIndex];
        var (region, cities) = country.Regions[r.Next(country.Regions.Length)];
        var city = cities[r.Next(cities.Length)];

        var deviceType = isApp
            ? (r.Chance(0.8) ? 4 : 5)
            : r.NextDouble() switch { < 0.5 => 2, < 0.9 => 4, _ => 5 };
        var osIndex = PickOs(deviceType);
        var os = SimCatalog.OperatingSystems[osIndex];
        var osVersion = r.Pick(os.Versions);
        string? make = null, model = null;
        if (os.Makes is not null)
        {
            var m = r.Next(os.Makes.Length);
            make = os.Makes[m];
            var models = os.Models![m];
            model = os.Name == "iOS" ? (deviceType == 5 ? "iPad" : "iPhone") : r.Pick(models);
        }

        var connection = deviceType == 2
            ? (r.Chance(0.4) ? 1 : 2)
            : r.NextDouble() switch { < 0.5 => 2, < 0.85 => 6, _ => 7 };

        var hasUser = r.Chance(Options.UserIdShare);
        var userId = hasUser ? "u-" + r.NextULong().ToString("x16", CultureInfo.InvariantCulture) : null;
        var buyerUid = hasUser && r.Chance(0.5) ? "b-" + r.NextULong().ToString("x12", CultureInfo.InvariantCulture) : null;
        var gdpr = country.Gdpr ? 1 : 0;
        var consent = gdpr == 1 && r.Chance(Options.ConsentShare) ? ConsentString() : null;
        var coppa = inventory.Coppa ? 1 : 0;
        var userState = coppa == 1 || (gdpr == 1 && consent is null) ? 2 : (hasUser ? 1 : 0);

        _clock += TimeSpan.FromSeconds(r.NextExponential(1.0 / Options.RequestsPerSecond));
        var sequence = _sequence++;
        var floor = Math.Round(inventory.FloorBase * Math.Exp(0.25 * r.NextGaussian()), 2);
        // Drawn here, in the order the request stream always drew them (the exchange is hashed, not drawn).
        var auctionType = r.Chance(0.7) ? 1 : 2;
        var tmax = r.NextDouble() switch { < 0.7 => 100, < 0.85 => 80, _ => 120 };
        var exchange = PickExchange(sequence, auctionType);

        return new SimRequest(inventory, tag)
        {
            Sequence = sequence,
            Id = string.Create(CultureInfo.InvariantCulture, $"sim-{Options.Seed}-{sequence}"),
            Time = _clock,
            AuctionType = auctionType,
            Exchange = _exchanges[auctionType - 1][exchange],
            ExchangeKey = _exchangeKeys[auctionType - 1][exchange],
            TMax = tmax,
            BidFloor = Math.Max(0.01, floor),
            Page = !isApp && r.Chance(0.5) ? $"https://{inventory.Name}/{r.Pick(SimCatalog.Words)}/{r.Next(1000)}" : null,
            UserAgent = UserAgent(os.Name, osVersion, deviceType, model, isApp),
            Ip = string.Create(CultureInfo.InvariantCulture, $"198.51.100.{r.Next(255)}"),
            DeviceType = deviceType,
            OsIndex = osIndex,
            Os = os.Name,
            OsVersion = osVersion,
            Make = make,
            Model = model,
            ConnectionType = connection,
            Language = country.Language,
            CountryIndex = countryIndex,
            Country = country.Code,
            Region = region,
            City = city,
            UserId = userId,
            BuyerUid = buyerUid,
            Gdpr = gdpr,
            Consent = consent,
            Coppa = coppa,
            UserState = userState,
        };
    }

    private int PickOs(int deviceType)
    {
        var u = _random.NextDouble();
        if (deviceType == 2)
        {
            return u switch { < 0.70 => 0, < 0.95 => 1, _ => 2 };
        }

        var androidShare = deviceType == 4 ? 0.6 : 0.45;
        return u < androidShare ? 3 : 4;
    }

    private string UserAgent(string os, string osVersion, int deviceType, string? model, bool isApp)
    {
        var r = _random;
        var chrome = "Chrome/" + (120 + r.Next(12)) + ".0.0.0";
        switch (os)
        {
            case "Windows":
                return r.NextDouble() switch
                {
                    < 0.65 => $"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) {chrome} Safari/537.36",
                    < 0.85 => $"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) {chrome} Safari/537.36 Edg/131.0.0.0",
                    _ => "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
                };
            case "macOS":
                return r.Chance(0.5)
                    ? $"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{osVersion} Safari/605.1.15"
                    : $"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) {chrome} Safari/537.36";
            case "Linux":
                return "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
            case "Android":
                if (isApp)
                {
                    return $"Mozilla/5.0 (Linux; Android {osVersion}; {model} Build/UP1A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 {chrome} Mobile Safari/537.36";
                }

                return r.NextDouble() switch
                {
                    < 0.75 => $"Mozilla/5.0 (Linux; Android {osVersion}; {model}) AppleWebKit/537.36 (KHTML, like Gecko) {chrome} Mobile Safari/537.36",
                    < 0.9 => $"Mozilla/5.0 (Linux; Android {osVersion}; {model}) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 {chrome} Mobile Safari/537.36",
                    _ => $"Mozilla/5.0 (Android {osVersion}; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
                };
            default:
                var device = deviceType == 5 ? "iPad; CPU OS" : "iPhone; CPU iPhone OS";
                var v = osVersion.Replace('.', '_');
                if (isApp)
                {
                    return $"Mozilla/5.0 ({device} {v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
                }

                return r.Chance(0.85)
                    ? $"Mozilla/5.0 ({device} {v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{osVersion} Mobile/15E148 Safari/604.1"
                    : $"Mozilla/5.0 ({device} {v} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1";
        }
    }

    private string ConsentString()
    {
        var parts = new string[12];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = _random.Pick(s_consentAlphabet);
        }

        return string.Concat(parts);
    }
}
