using System.Text;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Tests.Features;

public class FieldValuesTests
{
    [Fact]
    public void Set_EmptyValue_IsMissing()
    {
        var v = new FieldValues(FieldSchema.OpenRtb);
        v.Set(OpenRtbFields.SiteDomain, ReadOnlySpan<byte>.Empty);
        Assert.True(v.IsMissing(OpenRtbFields.SiteDomain));
        v.Set(OpenRtbFields.SiteDomain, (string?)null);
        Assert.True(v.IsMissing(OpenRtbFields.SiteDomain));
        Assert.Null(v.GetString(OpenRtbFields.SiteDomain));
    }

    [Fact]
    public void Setters_WriteInvariantText()
    {
        var v = new FieldValues(FieldSchema.OpenRtb);
        v.Set(OpenRtbFields.ImpBidFloor, 0.5);
        v.Set(OpenRtbFields.DeviceType, 4L);
        v.SetSize(OpenRtbFields.ImpSize, 300, 250);
        v.SetLowerAscii(OpenRtbFields.SiteDomain, "News.Example.COM"u8);
        v.Set(OpenRtbFields.GeoCity, "Zürich");
        Assert.Equal("0.5", v.GetString(OpenRtbFields.ImpBidFloor));
        Assert.Equal("4", v.GetString(OpenRtbFields.DeviceType));
        Assert.Equal("300x250", v.GetString(OpenRtbFields.ImpSize));
        Assert.Equal("news.example.com", v.GetString(OpenRtbFields.SiteDomain));
        Assert.Equal("Zürich", v.GetString(OpenRtbFields.GeoCity));
    }

    [Fact]
    public void Arena_GrowsForLargeValues_AndClearForgetsEverything()
    {
        var v = new FieldValues(FieldSchema.OpenRtb, initialArenaBytes: 8);
        var big = new string('x', 5000);
        v.Set(OpenRtbFields.SiteDomain, big);
        v.Set(OpenRtbFields.AppBundle, "com.example");
        Assert.Equal(big, v.GetString(OpenRtbFields.SiteDomain));
        Assert.Equal("com.example", v.GetString(OpenRtbFields.AppBundle));
        v.Clear();
        for (var i = 0; i < FieldSchema.OpenRtb.Count; i++)
        {
            Assert.True(v.IsMissing(i));
        }
    }

    [Fact]
    public void ToDictionary_Load_RoundTrips_AndIgnoresUnknownNames()
    {
        var v = new FieldValues(FieldSchema.OpenRtb);
        v.Set(OpenRtbFields.SiteDomain, "a.com");
        v.Set(OpenRtbFields.CreativeId, "cr-1");
        var dict = v.ToDictionary();
        Assert.Equal(2, dict.Count);
        dict["field.from.the.future"] = "x";
        var w = new FieldValues(FieldSchema.OpenRtb);
        w.Set(OpenRtbFields.GeoCity, "stale");
        w.Load(dict);
        Assert.Equal("a.com", w.GetString(OpenRtbFields.SiteDomain));
        Assert.Equal("cr-1", w.GetString(OpenRtbFields.CreativeId));
        Assert.True(w.IsMissing(OpenRtbFields.GeoCity));
    }

    [Fact]
    public void Set_SteadyState_AllocatesNothing()
    {
        var v = new FieldValues(FieldSchema.OpenRtb);
        var value = Encoding.UTF8.GetBytes("example.com");
        void Fill()
        {
            v.Clear();
            v.Set(OpenRtbFields.SiteDomain, value);
            v.SetLowerAscii(OpenRtbFields.DeviceMake, value);
            v.Set(OpenRtbFields.ImpBidFloor, 1.25);
            v.Set(OpenRtbFields.DeviceType, 4L);
            v.SetSize(OpenRtbFields.ImpSize, 728, 90);
        }

        Assert.Equal(0, SteadyState.AllocatedBytes(Fill, 1000));
    }

    [Fact]
    public void CopyFrom_OtherSchema_IsRefused()
    {
        var v = new FieldValues(FieldSchema.OpenRtb);
        Assert.Throws<ArgumentException>(() => v.CopyFrom(new FieldValues(FieldSchema.Criteo)));
    }
}
