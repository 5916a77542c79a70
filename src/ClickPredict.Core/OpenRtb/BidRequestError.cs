namespace ClickPredict.Core.OpenRtb;

/// <summary>Why a bid request was refused: each maps once to an HTTP status and a message.</summary>
public enum BidRequestError
{
    /// <summary>The body is empty.</summary>
    EmptyBody,

    /// <summary>The body is not well-formed JSON (or MessagePack), or nests too deep.</summary>
    Malformed,

    /// <summary>A known field has a value of the wrong type (a string where a number belongs, ...).</summary>
    WrongType,

    /// <summary>A required field is missing (request id, imp, imp id).</summary>
    MissingField,

    /// <summary>A value is of the right type but not allowed (negative floor, duplicate imp id, site and app both present).</summary>
    InvalidValue,

    /// <summary>A string, list or the number of imps is over the parser's limits.</summary>
    LimitExceeded,

    /// <summary>The body is larger than the configured maximum (HTTP 413).</summary>
    TooLarge,

    /// <summary>The content type is neither JSON nor MessagePack (HTTP 415).</summary>
    UnsupportedMediaType,
}
