using System.Text;
using System.Text.Json;
using ClickPredict.Bidder.Campaigns;

namespace ClickPredict.Bidder.Tests.Campaigns;

/// <summary>JSON answers copy each creative's pieces in already escaped: they must read back as the raw pieces MessagePack answers carry.</summary>
public sealed class CreativePiecesTests
{
    [Fact]
    public void Json_PiecesReadBackAsTheRawOnes_WhateverTheAdvertisersNameHolds()
    {
        var file = new CampaignFileModel
        {
            Advertisers =
            [
                new AdvertiserModel
                {
                    Id = "adv-q",
                    Name = "Bob's \"Best\" \\ Café\t<Deals> \u2028",
                    Adomain = ["bob.example"],
                    Campaigns =
                    [
                        new CampaignModel
                        {
                            Id = "camp-q",
                            ValuePerClickUsd = 0.1m,
                            MaxCpmUsd = 5m,
                            DailyBudgetUsd = 10m,
                            LandingPage = "https://bob.example/",
                            Creatives = [new CreativeModel { Id = "cr-q", W = 300, H = 250, ImageUrl = "https://cdn.bob.example/caf%C3%A9.png?a=1&b=2" }],
                        },
                    ],
                },
            ],
        };

        var creative = Assert.Single(CampaignCatalog.Build("test.json", file, "http://127.0.0.1:5080/").Creatives);
        var pairs = new[]
        {
            (creative.Raw.WinUrlPrefix, creative.Json.WinUrlPrefix),
            (creative.Raw.BillUrlPrefix, creative.Json.BillUrlPrefix),
            (creative.Raw.LossUrlPrefix, creative.Json.LossUrlPrefix),
            (creative.Raw.AdmPrefix, creative.Json.AdmPrefix),
            (creative.Raw.AdmSuffix, creative.Json.AdmSuffix),
        };
        foreach (var (raw, json) in pairs)
        {
            var quoted = new byte[json.Length + 2];
            quoted[0] = quoted[^1] = (byte)'"';
            json.CopyTo(quoted, 1);
            Assert.Equal(Encoding.UTF8.GetString(raw), JsonSerializer.Deserialize<string>(quoted));
        }

        // The markup's own quotes and the name's backslash and tab are escaped; HTML-safe characters are left readable.
        var suffix = Encoding.UTF8.GetString(creative.Json.AdmSuffix);
        Assert.StartsWith("\\\" target=\\\"_blank\\\"", suffix, StringComparison.Ordinal);
        Assert.Contains("\\\\", suffix, StringComparison.Ordinal);
        Assert.Contains("\\t", suffix, StringComparison.Ordinal);
        Assert.Contains("&lt;Deals&gt;", suffix, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(creative.Raw.WinUrlPrefix), Encoding.UTF8.GetString(creative.Json.WinUrlPrefix));
    }
}
