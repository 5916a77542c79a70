using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace ClickPredict.Core.OpenRtb;

/// <summary>A bid request was refused; <see cref="Exception.Message"/> names the field and the problem.</summary>
public sealed class BidRequestException : Exception
{
    public BidRequestException(BidRequestError error, string path, string problem, Exception? inner = null)
        : base(path.Length == 0 ? problem : $"{path}: {problem}", inner)
    {
        Error = error;
        Path = path;
    }

    public BidRequestException()
        : this(BidRequestError.Malformed, string.Empty, "malformed bid request")
    {
    }

    public BidRequestException(string message)
        : this(BidRequestError.Malformed, string.Empty, message)
    {
    }

    public BidRequestException(string message, Exception innerException)
        : this(BidRequestError.Malformed, string.Empty, message, innerException)
    {
    }

    public BidRequestError Error { get; }

    /// <summary>Where in the request: <c>imp[1].banner.w</c>, say; empty for the body as a whole.</summary>
    public string Path { get; }

    /// <summary>The HTTP status an endpoint answers with.</summary>
    public int StatusCode => Error switch
    {
        BidRequestError.TooLarge => 413,
        BidRequestError.UnsupportedMediaType => 415,
        _ => 400,
    };

    /// <summary>A short machine-readable code for the JSON error body.</summary>
    public string Code => Error switch
    {
        BidRequestError.EmptyBody => "empty_body",
        BidRequestError.Malformed => "malformed",
        BidRequestError.WrongType => "wrong_type",
        BidRequestError.MissingField => "missing_field",
        BidRequestError.InvalidValue => "invalid_value",
        BidRequestError.LimitExceeded => "limit_exceeded",
        BidRequestError.TooLarge => "too_large",
        _ => "unsupported_media_type",
    };

    // Cold paths: throwing helpers keep the parser's hot loops small.
    [DoesNotReturn]
    [StackTraceHidden]
    internal static void Throw(BidRequestError error, string path, string problem) =>
        throw new BidRequestException(error, path, problem);

    [DoesNotReturn]
    [StackTraceHidden]
    internal static T Throw<T>(BidRequestError error, string path, string problem) =>
        throw new BidRequestException(error, path, problem);
}
