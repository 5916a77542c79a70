namespace ClickPredict.Core.Model;

/// <summary>A model file was refused: not a model, a version this build cannot read, truncated, corrupt or inconsistent.</summary>
public sealed class ModelFormatException : Exception
{
    public ModelFormatException(string message)
        : base(message)
    {
    }

    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelFormatException()
    {
    }
}
