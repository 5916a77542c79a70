namespace ClickPredict.Core.Events;

/// <summary>An event's bytes could not be decoded.</summary>
public sealed class EventFormatException : Exception
{
    public EventFormatException(string message)
        : base(message)
    {
    }

    public EventFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EventFormatException()
    {
    }
}
