namespace ClickPredict.Core.Features;

/// <summary>A feature spec was refused; the message names the file (when known), the key and the problem.</summary>
public sealed class FeatureSpecException : Exception
{
    public FeatureSpecException(string message)
        : base(message)
    {
    }

    public FeatureSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FeatureSpecException()
    {
    }
}
