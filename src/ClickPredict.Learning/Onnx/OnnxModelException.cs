namespace ClickPredict.Learning.Onnx;

/// <summary>An ONNX model cannot be served: unreadable, refused by ONNX Runtime, or not shaped as a CTR scorer.</summary>
public sealed class OnnxModelException : Exception
{
    public OnnxModelException(string message)
        : base(message)
    {
    }

    public OnnxModelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OnnxModelException()
    {
    }
}
