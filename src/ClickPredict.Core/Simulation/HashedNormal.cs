using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// Standard normal draws fixed by what they depend on rather than by a stream: the hidden effects of the
/// simulated market (CTR and competition), so any key works without a table and drawing one never shifts another.
/// </summary>
internal static class HashedNormal
{
    /// <summary>A standard normal draw fixed by (seed, component, key, draw): Box-Muller over two hashes.</summary>
    public static double Draw(uint seed, uint component, uint key, uint draw)
    {
        var h1 = MurmurHash3.Hash32(component, key, draw, seed);
        var h2 = MurmurHash3.Hash32(h1, key, component, seed ^ 0x5bd1e995);
        var u1 = (h1 + 1.0) / 4294967297.0;
        var u2 = h2 / 4294967296.0;
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// An effect that drifts: it rotates from draw 0 towards draw 1 by the angle <paramref name="theta"/>
    /// (radians), keeping a standard normal's variance (0 = draw 0, pi/2 = draw 1).
    /// </summary>
    public static double Drifting(uint seed, uint component, uint key, double theta) =>
        theta == 0
            ? Draw(seed, component, key, 0)
            : (Math.Cos(theta) * Draw(seed, component, key, 0)) + (Math.Sin(theta) * Draw(seed, component, key, 1));
}
