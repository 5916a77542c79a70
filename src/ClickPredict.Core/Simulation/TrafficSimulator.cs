using System.Globalization;
using System.Text;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// A seeded generator of realistic OpenRTB traffic: long-tailed site and app popularity, IAB sizes,
/// devices, OSes, geos (with GDPR where it applies), hours, users; and of outcomes (clicks, competing
/// bids) from a hidden ground-truth CTR function it can reveal for any request and creative, so a
/// learned model can be measured against the best possible log loss. Not thread-safe.
/// </summary>
public sealed partial class TrafficSimulator
{
    private readonly SimRandom _random;
    private readonly SimRandom _outcomes;
    private readonly SimInventory[] _sites;
    private readonly SimInventory[] _apps;
    private readonly double[] _siteCdf;
    private readonly double[] _appCdf;
    private readonly double[] _countryCdf;
    private readonly double[] _webSizeCdf;
    private readonly double[] _appSizeCdf;
    private readonly GroundTruth _truth;
    private readonly SimCreative[] _creatives;
    private readonly SimExchange[][] _exchanges;
    private readonly double[][] _exchangeCdf;
    private readonly uint[][] _exchangeKeys;
    private DateTimeOffset _clock;
    private long _sequence;

    public TrafficSimulator(SimulatorOptions? options = null)
    {
        Options = options ?? new SimulatorOptions();
        Options.Validate();
        _random = new SimRandom(Options.Seed);
        _outcomes = new SimRandom(Options.OutcomeSeed);
        _creatives = [.. Options.Creatives ?? SimCreative.DemoSet];
        _truth = new GroundTruth(Options);
        _clock = Options.Start;
        var exchanges = Options.Exchanges ?? SimExchange.DefaultSet;
        // Indexed by auction type - 1.
        _exchanges = [[.. exchanges.Where(e => e.AuctionType == 1)], [.. exchanges.Where(e => e.AuctionType == 2)]];
        _exchangeCdf = [.. _exchanges.Select(list => SimRandom.Cumulative([.. list.Select(e => e.Share)]))];
        _exchangeKeys = [.. _exchanges.Select(list => list.Select(e => MurmurHash3.Hash32(Encoding.UTF8.GetBytes(e.Name), (uint)Options.Seed)).ToArray())];

        _countryCdf = SimRandom.Cumulative([.. SimCatalog.Countries.Select(c => c.Weight)]);
        _webSizeCdf = SimRandom.Cumulative([.. SimCatalog.WebSizes.Select(s => s.Weight)]);
        _appSizeCdf = SimRandom.Cumulative([.. SimCatalog.AppSizes.Select(s => s.Weight)]);
        _sites = BuildInventory(Options.Sites, isApp: false);
        _apps = BuildInventory(Options.Apps, isApp: true);
        _siteCdf = SimRandom.Zipf(_sites.Length, Options.ZipfExponent);
        _appCdf = SimRandom.Zipf(_apps.Length, Options.ZipfExponent);
    }

    public SimulatorOptions Options { get; }

    /// <summary>The creatives the market knows (the demo set unless the options name others).</summary>
    public IReadOnlyList<SimCreative> Creatives => _creatives;

    /// <summary>Simulated time of the last request generated.</summary>
    public DateTimeOffset Clock => _clock;

    /// <summary>Requests generated so far.</summary>
    public long Generated => _sequence;

    /// <summary>The true click probability of showing <paramref name="creative"/> on <paramref name="request"/>.</summary>
    public double TrueCtr(SimRequest request, SimCreative creative)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(creative);
        return _truth.Ctr(request, creative);
    }

    /// <summary>Draws whether a user clicks an ad whose true CTR is <paramref name="trueCtr"/>.</summary>
    public bool SampleClick(double trueCtr) => _outcomes.Chance(trueCtr);

    /// <summary>Picks uniformly among the known creatives that fit the request's slot; null when none does.</summary>
    public SimCreative? PickCreative(SimRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fitting = 0;
        foreach (var c in _creatives)
        {
            fitting += Fits(c, request) ? 1 : 0;
        }

        if (fitting == 0)
        {
            return null;
        }

        var pick = _outcomes.Next(fitting);
        foreach (var c in _creatives)
        {
            if (Fits(c, request) && pick-- == 0)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>Whether a creative has the slot's size.</summary>
    public static bool Fits(SimCreative creative, SimRequest request)
    {
        ArgumentNullException.ThrowIfNull(creative);
        ArgumentNullException.ThrowIfNull(request);
        return creative.Width == request.Width && creative.Height == request.Height;
    }

    private SimInventory[] BuildInventory(int count, bool isApp)
    {
        var items = new SimInventory[count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var w1 = _random.Pick(SimCatalog.Words);
            var w2 = _random.Pick(SimCatalog.Words);
            var name = isApp ? $"com.{w1}{w2}.app" : $"{w1}{w2}.{_random.Pick(SimCatalog.TopLevelDomains)}";
            if (!names.Add(name))
            {
                name = isApp ? $"com.{w1}{w2}{i}.app" : $"{w1}{w2}{i}.{_random.Pick(SimCatalog.TopLevelDomains)}";
                names.Add(name);
            }

            var key = MurmurHash3.Hash32((uint)i, isApp ? 1u : 0u, (uint)Options.Seed);
            var tagCount = 1 + _random.Next(isApp ? 3 : 4);
            var tags = new SimTag[tagCount];
            for (var t = 0; t < tagCount; t++)
            {
                var (w, h, _) = isApp ? SimCatalog.AppSizes[_random.PickCumulative(_appSizeCdf)] : SimCatalog.WebSizes[_random.PickCumulative(_webSizeCdf)];
                var pos = _random.NextDouble() switch { < 0.5 => 1, < 0.85 => 3, _ => 0 };
                var interstitial = isApp && w == 300 && h == 250 && _random.Chance(0.3);
                var tagId = string.Create(CultureInfo.InvariantCulture, $"{(isApp ? "app" : "site")}{i}-slot{t}");
                tags[t] = new SimTag(tagId, w, h, pos, interstitial, MurmurHash3.Hash32(key, (uint)t, (uint)Options.Seed));
            }

            items[i] = new SimInventory
            {
                Index = i,
                IsApp = isApp,
                Name = name,
                Category = _random.Pick(SimCatalog.Categories),
                PublisherId = string.Create(CultureInfo.InvariantCulture, $"pub-{_random.Next(Options.Publishers)}"),
                Tags = tags,
                FloorBase = Math.Round(0.4 * Math.Exp(0.5 * _random.NextGaussian()), 2),
                Coppa = _random.Chance(0.02),
                Key = key,
            };
        }

        return items;
    }
}
