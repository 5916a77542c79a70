namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>The repository the tests run in (the folder holding ClickPredict.sln).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    public static string CampaignsFile => Path.Combine(Root, "config", "campaigns.json");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClickPredict.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClickPredict.sln not found above " + AppContext.BaseDirectory);
    }
}
