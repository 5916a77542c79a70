namespace ClickPredict.Cli;

/// <summary>A problem with what the user asked for, reported as one line on stderr with a non-zero exit.</summary>
internal sealed class CliException : Exception
{
    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliException()
    {
    }
}
