namespace ClickPredict.Bidder.Campaigns;

/// <summary>The campaigns file is missing, not valid JSON, or breaks a rule; the message names the file and the entry.</summary>
public sealed class CampaignFileException : Exception
{
    public CampaignFileException(string message)
        : base(message)
    {
    }

    public CampaignFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CampaignFileException()
    {
    }
}
