using System.Collections.Concurrent;
using System.Text;
using ClickPredict.Core.Hashing;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// The hidden click-probability function of the simulated market: a logit that adds effects of the
/// inventory, slot, position, size, device, OS, country, hour, user, creative, and two interactions
/// (creative x device type, content category x advertiser). Every effect is a deterministic normal
/// draw keyed by what it depends on, so any creative id works without a table. With drift, inventory
/// and creative effects rotate over simulated time from one draw towards another, keeping their variance.
/// </summary>
internal sealed class GroundTruth
{
    private const uint Inventory = 1, Tag = 2, Size = 3, DeviceType = 4, Os = 5, Country = 6, Creative = 7, CreativeDevice = 8, CategoryAdvertiser = 9, Connection = 10;

    private readonly SimulatorOptions _options;
    private readonly uint _seed;
    private readonly double _intercept;
    private readonly ConcurrentDictionary<string, uint> _keys = new(StringComparer.Ordinal);

    public GroundTruth(SimulatorOptions options)
    {
        _options = options;
        _seed = (uint)options.Seed;
        _intercept = Logistic.Logit(options.BaseCtr);
    }

    public double Ctr(SimRequest r, SimCreative c)
    {
        var days = (r.Time - _options.Start).TotalDays;
        var theta = _options.DriftPerDay * Math.Max(0, days);
        var creative = KeyOf(c.CreativeId);
        var advertiser = KeyOf(c.AdvertiserId);
        var category = KeyOf(r.Category);

        var effects =
            (0.55 * Drifting(Inventory, r.Inventory.Key, theta))
            + (0.35 * Normal(Tag, r.Tag.Key, 0))
            + Position(r.Position) + (r.Interstitial ? 0.6 : 0)
            + (0.25 * Normal(Size, (uint)((r.Width << 16) | r.Height), 0))
            + (0.30 * Normal(DeviceType, (uint)r.DeviceType, 0))
            + (0.20 * Normal(Os, (uint)r.OsIndex, 0))
            + (0.25 * Normal(Country, (uint)r.CountryIndex, 0))
            + (0.20 * Math.Sin(2 * Math.PI * (r.Time.UtcDateTime.Hour - 3) / 24.0))
            + (0.45 * Drifting(Creative, creative, theta))
            + (0.30 * Normal(CreativeDevice, MurmurHash3.Hash32(creative, (uint)r.DeviceType, _seed), 0))
            + (0.35 * Normal(CategoryAdvertiser, MurmurHash3.Hash32(category, advertiser, _seed), 0))
            + (0.10 * Normal(Connection, (uint)r.ConnectionType, 0))
            + (r.UserState switch { 1 => 0.15, 2 => -0.05, _ => 0.0 });

        return Logistic.Sigmoid(_intercept + (_options.EffectScale * effects));
    }

    private static double Position(int pos) => pos switch
    {
        1 => 0.25,
        3 => -0.25,
        _ => 0.0,
    };

    private double Drifting(uint component, uint key, double theta) => HashedNormal.Drifting(_seed, component, key, theta);

    private double Normal(uint component, uint key, uint draw) => HashedNormal.Draw(_seed, component, key, draw);

    private uint KeyOf(string id) => _keys.GetOrAdd(id, static (s, seed) => MurmurHash3.Hash32(Encoding.UTF8.GetBytes(s), seed), _seed);
}
