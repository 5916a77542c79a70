using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Simulation;

public class TrafficSimulatorTests
{
    [Fact]
    public void SameSeed_SameTraffic_OtherSeed_OtherTraffic()
    {
        var a = new TrafficSimulator(new SimulatorOptions { Seed = 1 });
        var b = new TrafficSimulator(new SimulatorOptions { Seed = 1 });
        var c = new TrafficSimulator(new SimulatorOptions { Seed = 2 });
        var differs = false;
        for (var i = 0; i < 200; i++)
        {
            var ra = a.Next();
            var rb = b.Next();
            var rc = c.Next();
            Assert.Equal(ra.ToJson(), rb.ToJson());
            Assert.Equal(a.TrueCtr(ra, a.Creatives[i % 36]), b.TrueCtr(rb, b.Creatives[i % 36]));
            differs |= !ra.ToJson().AsSpan().SequenceEqual(rc.ToJson());
        }

        Assert.True(differs);
    }

    [Fact]
    public void Outcomes_DoNotShiftTheRequestStream()
    {
        var a = new TrafficSimulator();
        var b = new TrafficSimulator();
        for (var i = 0; i < 100; i++)
        {
            var ra = a.Next();
            a.SampleClick(0.5);
            a.SampleMarketPrice(ra);
            a.PickCreative(ra);
            Assert.Equal(ra.ToJson(), b.Next().ToJson());
        }
    }

    [Fact]
    public void Requests_AreValidOpenRtb_WithRealisticMix()
    {
        var sim = new TrafficSimulator();
        var parsed = new BidRequest();
        var sites = new Dictionary<string, int>();
        int apps = 0, gdpr = 0, eu = 0, fitting = 0;
        var previous = DateTimeOffset.MinValue;
        const int n = 20_000;
        for (var i = 0; i < n; i++)
        {
            var r = sim.Next();
            BidRequestParser.Parse(r.ToJson(), parsed);
            Assert.True(r.Time > previous);
            previous = r.Time;
            Assert.InRange(r.BidFloor, 0.01, 100);
            apps += r.IsApp ? 1 : 0;
            if (!r.IsApp)
            {
                sites[r.InventoryName] = sites.GetValueOrDefault(r.InventoryName) + 1;
            }

            if (r.Country is "DEU" or "FRA" or "ESP" or "ITA" or "NLD" or "SWE" or "POL")
            {
                eu++;
                gdpr += parsed.Regs.Gdpr == 1 ? 1 : 0;
            }

            fitting += sim.PickCreative(r) is not null ? 1 : 0;
            Assert.True(sim.SampleMarketPrice(r) >= (decimal)r.BidFloor - 0.0001m);
        }

        Assert.InRange(apps / (double)n, 0.30, 0.40);
        Assert.Equal(eu, gdpr);
        // Long tail: the ten most popular sites take a large share; many sites are seen only a few times.
        var ranked = sites.Values.OrderDescending().ToArray();
        Assert.True(ranked.Take(10).Sum() > 0.2 * ranked.Sum(), "head is heavy");
        Assert.True(ranked.Count(c => c <= 2) > 100, "tail is long");
        // Nearly every slot has a demo creative of its size.
        Assert.True(fitting > 0.95 * n);
    }

    [Fact]
    public void TrueCtr_AveragesNearTheConfiguredBase_AndVaries()
    {
        var sim = new TrafficSimulator(new SimulatorOptions { BaseCtr = 0.03 });
        var sum = 0.0;
        double min = 1, max = 0;
        for (var i = 0; i < 5000; i++)
        {
            var r = sim.Next();
            var p = sim.TrueCtr(r, sim.PickCreative(r) ?? sim.Creatives[0]);
            sum += p;
            min = Math.Min(min, p);
            max = Math.Max(max, p);
        }

        Assert.InRange(sum / 5000, 0.02, 0.12);
        Assert.True(max / min > 20, "effects spread CTRs over more than an order of magnitude");
        var flat = new TrafficSimulator(new SimulatorOptions { EffectScale = 0 });
        var request = flat.Next();
        Assert.Equal(0.03, flat.TrueCtr(request, flat.Creatives[0]), 12);
    }

    [Fact]
    public void Drift_ChangesTheTruthOverTime_OnlyWhenAsked()
    {
        static double[] CtrsAfter(double driftPerDay, double days)
        {
            var options = new SimulatorOptions { DriftPerDay = driftPerDay, RequestsPerSecond = 1.0 / (days * 86400 / 1000) };
            var sim = new TrafficSimulator(options);
            SimRequest last = null!;
            for (var i = 0; i < 1000; i++)
            {
                last = sim.Next();
            }

            return [.. sim.Creatives.Select(c => sim.TrueCtr(last, c))];
        }

        var early = CtrsAfter(1.0, 0.001);
        var late = CtrsAfter(1.0, 3);
        var still = CtrsAfter(0.0, 3);
        var stillEarly = CtrsAfter(0.0, 0.001);
        Assert.NotEqual(early, late);
        // Without drift only the hour of day moves the truth, and identically for every creative.
        var ratios = still.Zip(stillEarly, (a, b) => Math.Round(Core.Model.Logistic.Logit(a) - Core.Model.Logistic.Logit(b), 9)).Distinct().Count();
        Assert.Equal(1, ratios);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Options_OutOfRange_AreRefusedByName(double baseCtr)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrafficSimulator(new SimulatorOptions { BaseCtr = baseCtr }));
        Assert.Contains("BaseCtr", e.Message);
    }

    [Fact]
    public void DemoSet_CoversTheCommonSizes_ForEachCampaign()
    {
        var set = SimCreative.DemoSet;
        Assert.Equal(36, set.Count);
        Assert.Equal(36, set.Select(c => c.CreativeId).Distinct().Count());
        Assert.Contains(set, c => c.CreativeId == "cr-running-300x250" && c.CampaignId == "camp-running" && c.AdvertiserId == "adv-sportsgear");
        foreach (var group in set.GroupBy(c => c.CampaignId))
        {
            Assert.Equal(SimCreative.CommonSizes.OrderBy(s => s), group.Select(c => (c.Width, c.Height)).OrderBy(s => s));
        }
    }
}
