namespace ClickPredict.Core.Simulation;

/// <summary>Fixed vocabularies the simulated market draws its names, geos and devices from.</summary>
internal static class SimCatalog
{
    public static readonly string[] Words =
    [
        "daily", "hoops", "green", "city", "river", "tech", "pixel", "north", "bright", "sun", "ocean", "metro",
        "garden", "kitchen", "travel", "auto", "money", "star", "cloud", "trail", "game", "play", "news", "world",
        "recipe", "health", "fit", "music", "movie", "style", "home", "pet", "bike", "run", "local", "weather",
        "market", "shop", "deal", "photo", "story", "chess", "puzzle", "word", "space", "wild", "nova", "peak",
    ];

    public static readonly string[] TopLevelDomains = ["com", "com", "com", "net", "org", "co.uk", "de", "fr", "io"];

    /// <summary>IAB content categories (OpenRTB 2.x, IAB Tech Lab content taxonomy 1.0).</summary>
    public static readonly string[] Categories =
    [
        "IAB1", "IAB2", "IAB3", "IAB4", "IAB5", "IAB6", "IAB7", "IAB8", "IAB9", "IAB10", "IAB11", "IAB12",
        "IAB13", "IAB14", "IAB15", "IAB16", "IAB17", "IAB18", "IAB19", "IAB20", "IAB22", "IAB9-30", "IAB1-6", "IAB17-44",
    ];

    /// <summary>Web slot sizes with their relative frequency.</summary>
    public static readonly (int W, int H, double Weight)[] WebSizes =
        [(300, 250, 0.38), (728, 90, 0.22), (160, 600, 0.08), (300, 600, 0.12), (970, 250, 0.08), (320, 50, 0.12)];

    /// <summary>App slot sizes with their relative frequency.</summary>
    public static readonly (int W, int H, double Weight)[] AppSizes =
        [(320, 50, 0.55), (300, 250, 0.35), (728, 90, 0.10)];

    /// <summary>Countries (ISO alpha-3) with traffic share, whether GDPR applies, a language, and regions with cities.</summary>
    public static readonly Country[] Countries =
    [
        new("USA", 0.34, false, "en", [("CA", ["Los Angeles", "San Francisco", "San Diego"]), ("NY", ["New York", "Buffalo"]), ("TX", ["Houston", "Austin", "Dallas"]), ("FL", ["Miami", "Orlando"]), ("IL", ["Chicago"]), ("WA", ["Seattle", "Spokane"])]),
        new("GBR", 0.08, false, "en", [("ENG", ["London", "Manchester", "Leeds"]), ("SCT", ["Glasgow", "Edinburgh"]), ("WLS", ["Cardiff"])]),
        new("DEU", 0.07, true, "de", [("BY", ["Munich", "Nuremberg"]), ("BE", ["Berlin"]), ("HH", ["Hamburg"]), ("NW", ["Cologne", "Dusseldorf"])]),
        new("FRA", 0.06, true, "fr", [("IDF", ["Paris"]), ("ARA", ["Lyon", "Grenoble"]), ("PAC", ["Marseille", "Nice"])]),
        new("IND", 0.06, false, "hi", [("MH", ["Mumbai", "Pune"]), ("KA", ["Bengaluru"]), ("DL", ["New Delhi"])]),
        new("CAN", 0.05, false, "en", [("ON", ["Toronto", "Ottawa"]), ("QC", ["Montreal"]), ("BC", ["Vancouver"])]),
        new("BRA", 0.05, false, "pt", [("SP", ["Sao Paulo", "Campinas"]), ("RJ", ["Rio de Janeiro"])]),
        new("JPN", 0.05, false, "ja", [("13", ["Tokyo"]), ("27", ["Osaka"])]),
        new("AUS", 0.03, false, "en", [("NSW", ["Sydney"]), ("VIC", ["Melbourne"])]),
        new("ESP", 0.03, true, "es", [("MD", ["Madrid"]), ("CT", ["Barcelona"])]),
        new("ITA", 0.03, true, "it", [("RM", ["Rome"]), ("MI", ["Milan"])]),
        new("MEX", 0.03, false, "es", [("CMX", ["Mexico City"]), ("JAL", ["Guadalajara"])]),
        new("NLD", 0.02, true, "nl", [("NH", ["Amsterdam"]), ("ZH", ["Rotterdam", "The Hague"])]),
        new("SWE", 0.02, true, "sv", [("AB", ["Stockholm"]), ("O", ["Gothenburg"])]),
        new("POL", 0.02, true, "pl", [("MZ", ["Warsaw"]), ("MA", ["Krakow"])]),
        new("KOR", 0.02, false, "ko", [("11", ["Seoul"]), ("26", ["Busan"])]),
        new("ZAF", 0.01, false, "en", [("GP", ["Johannesburg", "Pretoria"]), ("WC", ["Cape Town"])]),
        new("ARG", 0.01, false, "es", [("C", ["Buenos Aires"])]),
        new("NGA", 0.01, false, "en", [("LA", ["Lagos"])]),
        new("IDN", 0.01, false, "id", [("JK", ["Jakarta"])]),
    ];

    /// <summary>Operating systems: name, device types it runs on, UA template.</summary>
    public static readonly Os[] OperatingSystems =
    [
        new("Windows", ["10.0", "11.0"], [2], null, null),
        new("macOS", ["13.6", "14.4", "15.1"], [2], null, null),
        new("Linux", ["6.1"], [2], null, null),
        new("Android", ["12", "13", "14", "15"], [4, 5], ["samsung", "google", "xiaomi", "motorola"], [["SM-G991B", "SM-A546B", "SM-S918B"], ["Pixel 7", "Pixel 8"], ["23049PCD8G", "2201117TG"], ["moto g84"]]),
        new("iOS", ["16.7", "17.5", "18.1"], [4, 5], ["Apple"], [["iPhone", "iPad"]]),
    ];

    public sealed record Country(string Code, double Weight, bool Gdpr, string Language, (string Region, string[] Cities)[] Regions);

    public sealed record Os(string Name, string[] Versions, int[] DeviceTypes, string[]? Makes, string[][]? Models);
}
