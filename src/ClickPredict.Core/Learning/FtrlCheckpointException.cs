namespace ClickPredict.Core.Learning;

/// <summary>An FTRL checkpoint was refused: not a checkpoint, another version, truncated, corrupt or inconsistent.</summary>
public sealed class FtrlCheckpointException : Exception
{
    public FtrlCheckpointException(string message)
        : base(message)
    {
    }

    public FtrlCheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FtrlCheckpointException()
    {
    }
}
