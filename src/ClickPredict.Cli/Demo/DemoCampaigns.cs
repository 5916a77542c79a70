using System.Text.Json.Nodes;
using ClickPredict.Bidder.Hosting;

namespace ClickPredict.Cli.Demo;

/// <summary>The demo's campaigns when it sets a budget: the shipped campaigns, each with that daily budget and spent as fast as traffic allows.</summary>
internal static class DemoCampaigns
{
    /// <summary>Writes the campaigns file into <paramref name="directory"/>; returns its path.</summary>
    /// <exception cref="CliException">The shipped campaigns file cannot be read.</exception>
    public static string Write(string directory, decimal dailyBudgetUsd)
    {
        var shipped = BidderApplication.DefaultCampaignsPath(System.IO.Directory.GetCurrentDirectory());
        JsonNode? file;
        try
        {
            file = JsonNode.Parse(File.ReadAllText(shipped));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new CliException($"cannot read the shipped campaigns {shipped} to set --budget-usd: {e.Message}");
        }

        foreach (var advertiser in file?["advertisers"]?.AsArray() ?? [])
        {
            foreach (var campaign in advertiser?["campaigns"]?.AsArray() ?? [])
            {
                // Even pacing would hold a day's budget to the share of the UTC day gone; the demo wants it spent in minutes.
                campaign!["dailyBudgetUsd"] = JsonValue.Create(dailyBudgetUsd);
                campaign["pacing"] = "asap";
            }
        }

        var path = Path.Combine(directory, "campaigns.json");
        File.WriteAllText(path, file!.ToJsonString(), System.Text.Encoding.UTF8);
        return path;
    }
}
