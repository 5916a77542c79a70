namespace ClickPredict.Core.Registry;

/// <summary>The registry could not be read or changed; the message names the directory and the problem.</summary>
public sealed class RegistryException : Exception
{
    public RegistryException(string message)
        : base(message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RegistryException()
    {
    }
}
