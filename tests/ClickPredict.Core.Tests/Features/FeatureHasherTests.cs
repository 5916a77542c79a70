using System.Text;
using ClickPredict.Core.Features;
using ClickPredict.Core.Hashing;

namespace ClickPredict.Core.Tests.Features;

public class FeatureHasherTests
{
    private static readonly FeatureSpec s_spec = FeatureSpec.Parse("""
        { "schema": "openrtb", "hashBits": 18, "seed": 3,
          "fields": ["site.domain", "creative.id", "device.type", "imp.bidfloor"],
          "crosses": [["site.domain", "device.type"], ["creative.id", "device.type"], ["geo.country", "site.domain", "creative.id"]],
          "buckets": { "imp.bidfloor": { "kind": "log", "base": 2 } } }
        """);

    private static FieldValues Example(string domain = "a.com", string creative = "cr-1", string devtype = "4", double floor = 1.5)
    {
        var v = new FieldValues(FieldSchema.OpenRtb);
        v.Set(OpenRtbFields.SiteDomain, domain);
        v.Set(OpenRtbFields.CreativeId, creative);
        v.Set(OpenRtbFields.DeviceType, devtype);
        v.Set(OpenRtbFields.ImpBidFloor, floor);
        v.Set(OpenRtbFields.GeoCountry, "USA");
        return v;
    }

    [Fact]
    public void Counts_SplitRequestAndCandidateFeatures()
    {
        var h = new FeatureHasher(s_spec);
        // Request: site.domain, device.type, imp.bidfloor, site.domain&device.type.
        Assert.Equal(4, h.RequestFeatureCount);
        // Candidate: creative.id, creative.id&device.type, geo.country&site.domain&creative.id.
        Assert.Equal(3, h.CandidateFeatureCount);
        Assert.Equal(7, h.FeatureCount);
        Assert.Equal(["site.domain", "device.type", "imp.bidfloor", "site.domain&device.type", "creative.id", "creative.id&device.type", "geo.country&site.domain&creative.id"], h.FeatureNames);
    }

    [Fact]
    public void Indices_FollowTheDocumentedHashing()
    {
        var h = new FeatureHasher(s_spec);
        Span<int> indices = stackalloc int[h.FeatureCount];
        h.Indices(Example(), indices);
        uint FieldHash(string field, string value) =>
            MurmurHash3.Hash32(Encoding.UTF8.GetBytes(value), MurmurHash3.Hash32(Encoding.UTF8.GetBytes(field), 3));
        const uint Mask = (1u << 18) - 1;
        var domain = FieldHash("site.domain", "a.com");
        var device = FieldHash("device.type", "4");
        var creative = FieldHash("creative.id", "cr-1");
        var country = FieldHash("geo.country", "USA");
        var floorSeed = MurmurHash3.Hash32("imp.bidfloor"u8, 3);
        var floor = MurmurHash3.Hash32(0u, floorSeed); // log2(1.5) floors to bucket 0
        uint CrossSeed(string name) => MurmurHash3.Hash32(Encoding.UTF8.GetBytes(name), 3);

        Assert.Equal((int)(domain & Mask), indices[0]);
        Assert.Equal((int)(device & Mask), indices[1]);
        Assert.Equal((int)(floor & Mask), indices[2]);
        Assert.Equal((int)(MurmurHash3.Hash32(domain, device, CrossSeed("site.domain&device.type")) & Mask), indices[3]);
        Assert.Equal((int)(creative & Mask), indices[4]);
        Assert.Equal((int)(MurmurHash3.Hash32(creative, device, CrossSeed("creative.id&device.type")) & Mask), indices[5]);
        Assert.Equal((int)(MurmurHash3.Hash32(country, domain, creative, CrossSeed("geo.country&site.domain&creative.id")) & Mask), indices[6]);
    }

    [Fact]
    public void SplitPath_EqualsIndices()
    {
        var h = new FeatureHasher(s_spec);
        var v = Example();
        Span<int> all = stackalloc int[h.FeatureCount];
        h.Indices(v, all);
        Span<uint> slots = stackalloc uint[h.SlotCount];
        Span<int> request = stackalloc int[h.RequestFeatureCount];
        Span<int> candidate = stackalloc int[h.CandidateFeatureCount];
        h.HashRequestFields(v, slots);
        h.RequestIndices(slots, request);
        h.HashCandidateFields(v, slots);
        h.CandidateIndices(slots, candidate);
        Assert.Equal(all[..h.RequestFeatureCount].ToArray(), request.ToArray());
        Assert.Equal(all[h.RequestFeatureCount..].ToArray(), candidate.ToArray());
    }

    [Fact]
    public void Missing_IsAFeatureOfItsOwn_DistinctPerField()
    {
        var h = new FeatureHasher(s_spec);
        var v = Example();
        v.SetMissing(OpenRtbFields.SiteDomain);
        v.SetMissing(OpenRtbFields.DeviceType);
        Span<int> indices = stackalloc int[h.FeatureCount];
        h.Indices(v, indices);
        var seedDomain = MurmurHash3.Hash32("site.domain"u8, 3);
        Assert.Equal((int)(MurmurHash3.Hash32(ReadOnlySpan<byte>.Empty, seedDomain) & ((1u << 18) - 1)), indices[0]);
        Assert.NotEqual(indices[0], indices[1]);
    }

    [Fact]
    public void Bucketing_MapsValuesInOneBucketToOneIndex()
    {
        var h = new FeatureHasher(s_spec);
        Span<int> a = stackalloc int[h.FeatureCount];
        Span<int> b = stackalloc int[h.FeatureCount];
        Span<int> c = stackalloc int[h.FeatureCount];
        h.Indices(Example(floor: 2.1), a);
        h.Indices(Example(floor: 3.9), b);
        h.Indices(Example(floor: 4.0), c);
        Assert.Equal(a[2], b[2]);
        Assert.NotEqual(a[2], c[2]);
    }

    [Fact]
    public void Indices_ChangeWithSeedAndStayInRange()
    {
        var h1 = new FeatureHasher(s_spec);
        var h2 = new FeatureHasher(FeatureSpec.Parse(s_spec.ToJson().Replace("\"seed\": 3", "\"seed\": 4")));
        Span<int> a = stackalloc int[h1.FeatureCount];
        Span<int> b = stackalloc int[h2.FeatureCount];
        h1.Indices(Example(), a);
        h2.Indices(Example(), b);
        Assert.NotEqual(a.ToArray(), b.ToArray());
        foreach (var i in a)
        {
            Assert.InRange(i, 0, (1 << 18) - 1);
        }
    }

    [Fact]
    public void Indices_OtherSchema_IsRefused()
    {
        var h = new FeatureHasher(s_spec);
        var e = Assert.Throws<ArgumentException>(() => h.Indices(new FieldValues(FieldSchema.Criteo), new int[h.FeatureCount]));
        Assert.Contains("criteo", e.Message);
    }

    [Fact]
    public void Indices_SteadyState_AllocatesNothing()
    {
        var h = new FeatureHasher(TestData.DefaultSpec());
        var v = Example();
        var indices = new int[h.FeatureCount];
        Assert.Equal(0, SteadyState.AllocatedBytes(() => h.Indices(v, indices), 1000));
    }
}
