using ClickPredict.Core.Features;

namespace ClickPredict.Core.Tests.Features;

public class FeatureSpecTests
{
    private const string Minimal = """
        { "name": "t", "schema": "openrtb", "hashBits": 20, "seed": 7,
          "fields": ["site.domain", "device.type", "creative.id", "imp.bidfloor"],
          "crosses": [["creative.id", "device.type"]],
          "buckets": { "imp.bidfloor": { "kind": "log", "base": 2 } } }
        """;

    [Fact]
    public void Load_DefaultSpec_HasAboutTwentyFiveFieldsAndTenCrosses()
    {
        var spec = TestData.DefaultSpec();
        Assert.Equal("openrtb", spec.Schema.Name);
        Assert.InRange(spec.Fields.Count, 24, 28);
        Assert.Equal(10, spec.Crosses.Count);
        Assert.Equal(22, spec.HashBits);
    }

    [Fact]
    public void Parse_Minimal_ResolvesEverything()
    {
        var spec = FeatureSpec.Parse(Minimal);
        Assert.Equal("t", spec.Name);
        Assert.Equal(20, spec.HashBits);
        Assert.Equal(1 << 20, spec.Size);
        Assert.Equal(7u, spec.Seed);
        Assert.Equal(["site.domain", "device.type", "creative.id", "imp.bidfloor"], spec.Fields.Select(f => f.Name));
        Assert.Equal("creative.id&device.type", spec.Crosses.Single().Name);
        Assert.Equal(BucketKind.Log, spec.Buckets["imp.bidfloor"].Kind);
    }

    [Fact]
    public void ToJson_RoundTrips_ToEqualFingerprint()
    {
        var spec = FeatureSpec.Parse(Minimal);
        var again = FeatureSpec.Parse(spec.ToJson());
        Assert.Equal(spec.Fingerprint, again.Fingerprint);
        Assert.Equal(spec.CanonicalJson, again.CanonicalJson);
        Assert.Equal(spec.Name, again.Name);
    }

    [Fact]
    public void Fingerprint_IgnoresNameAndWhitespace_ButNotFeatures()
    {
        var spec = FeatureSpec.Parse(Minimal);
        var renamed = FeatureSpec.Parse(Minimal.Replace("\"t\"", "\"other\"").Replace("\n", " "));
        Assert.Equal(spec.Fingerprint, renamed.Fingerprint);
        Assert.NotEqual(spec.Fingerprint, spec.WithHashBits(21).Fingerprint);
        Assert.NotEqual(spec.Fingerprint, spec.WithField("geo.country").Fingerprint);
        Assert.NotEqual(spec.Fingerprint, spec.WithCross("site.domain", "creative.id").Fingerprint);
        Assert.NotEqual(spec.Fingerprint, spec.WithBucketing("imp.bidfloor", Bucketing.Log(10)).Fingerprint);
        Assert.NotEqual(spec.Fingerprint, FeatureSpec.Parse(Minimal.Replace("\"seed\": 7", "\"seed\": 8")).Fingerprint);
    }

    [Fact]
    public void Fingerprint_IsStableAcrossBuilds()
    {
        // The fingerprint is part of every model file: changing how it is computed orphans every model.
        var spec = FeatureSpec.Parse(Minimal);
        Assert.Equal(
            """{"schema":"openrtb","hashBits":20,"seed":7,"fields":["site.domain","device.type","creative.id","imp.bidfloor"],"crosses":[["creative.id","device.type"]],"buckets":{"imp.bidfloor":{"kind":"log","base":2}}}""",
            spec.CanonicalJson);
        Assert.Equal(System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(spec.CanonicalJson)), spec.Fingerprint);
        Assert.Equal(16, spec.FingerprintHex.Length);
    }

    [Theory]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domian"]}""", "fields[0]: unknown field 'site.domian' in schema 'openrtb' (did you mean 'site.domain'?)")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["zzz"]}""", "fields[0]: unknown field 'zzz' in schema 'openrtb'")]
    [InlineData("""{"schema":"openrtb","hashBits":17,"fields":["site.domain"]}""", "hashBits: 17 is out of range 18-26")]
    [InlineData("""{"schema":"openrtb","hashBits":27,"fields":["site.domain"]}""", "hashBits: 27 is out of range 18-26")]
    [InlineData("""{"schema":"openrtb","hashBits":"20","fields":["site.domain"]}""", "hashBits: must be a whole number")]
    [InlineData("""{"schema":"openrtb","fields":["site.domain"]}""", "hashBits: missing")]
    [InlineData("""{"schema":"nope","hashBits":20,"fields":["site.domain"]}""", "schema: unknown schema 'nope'")]
    [InlineData("""{"hashBits":20,"fields":["site.domain"]}""", "schema: missing")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":[]}""", "fields: a spec needs at least one field")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain","site.domain"]}""", "fields[1]: duplicate field 'site.domain'")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain",3]}""", "fields[1]: must be a field name")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"crosses":[["site.domain","creative.id"],["creative.id","site.domain"]]}""", "crosses[1]: duplicate cross [creative.id, site.domain]")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"crosses":[["site.domain"]]}""", "crosses[0]: a cross joins 2 or 3 fields, not 1")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"crosses":[["site.domain","site.domain"]]}""", "crosses[0]: field 'site.domain' appears twice in one cross")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"crosses":[["site.domain","nope"]]}""", "crosses[0][1]: unknown field 'nope'")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"buckets":{"site.domain":{"kind":"log"}}}""", "buckets.site.domain: field 'site.domain' is categorical")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["imp.bidfloor"],"buckets":{"imp.bidfloor":{"kind":"log","base":1}}}""", "buckets.imp.bidfloor: the base of log bucketing must be a finite number above 1")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["imp.bidfloor"],"buckets":{"imp.bidfloor":{"kind":"edges","edges":[2,1]}}}""", "buckets.imp.bidfloor: edges must be finite and strictly ascending")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["imp.bidfloor"],"buckets":{"imp.bidfloor":{"kind":"cubic"}}}""", "buckets.imp.bidfloor.kind: unknown bucketing 'cubic'")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["imp.bidfloor"],"buckets":{"imp.bidfloor":{"kind":"linear"}}}""", "buckets.imp.bidfloor.width: missing")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"hashbits":21}""", "unknown key 'hashbits'")]
    [InlineData("""{"schema":"openrtb","hashBits":20,"fields":["site.domain"],"seed":-1}""", "seed: must be a whole number")]
    [InlineData("""[1,2]""", "the spec must be a JSON object")]
    [InlineData("""{"schema":"openrtb",""", "not valid JSON")]
    public void Parse_BadSpec_IsRefusedNamingTheProblem(string json, string expected)
    {
        var e = Assert.Throws<FeatureSpecException>(() => FeatureSpec.Parse(json, "bad.json"));
        Assert.StartsWith("feature spec 'bad.json': ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var e = Assert.Throws<FeatureSpecException>(() => FeatureSpec.Load("/nonexistent/spec.json"));
        Assert.Contains("/nonexistent/spec.json", e.Message);
        Assert.Contains("cannot read", e.Message);
    }

    [Fact]
    public void UsedFields_IncludesCrossOnlyFieldsOnce()
    {
        var spec = FeatureSpec.Parse("""{"schema":"openrtb","hashBits":18,"fields":["site.domain"],"crosses":[["geo.country","creative.id"],["geo.country","site.domain"]]}""");
        Assert.Equal(["site.domain", "geo.country", "creative.id"], spec.UsedFields().Select(f => f.Name));
    }

    [Theory]
    [InlineData("criteo", "I1")]
    [InlineData("avazu", "site_id")]
    [InlineData("ipinyou", "slotsize")]
    public void Parse_OtherSchemas_KnowTheirColumns(string schema, string field)
    {
        var spec = FeatureSpec.Parse($$"""{"schema":"{{schema}}","hashBits":18,"fields":["{{field}}"]}""");
        Assert.Equal(field, spec.Fields.Single().Name);
    }
}
