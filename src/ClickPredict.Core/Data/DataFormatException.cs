namespace ClickPredict.Core.Data;

/// <summary>A data file could not be read; the message names the file and line.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string message)
        : base(message)
    {
    }

    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DataFormatException()
    {
    }
}
