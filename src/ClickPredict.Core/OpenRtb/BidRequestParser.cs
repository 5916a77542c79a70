using System.Buffers;
using System.Text.Json;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reads OpenRTB 2.5/2.6 JSON into a reusable <see cref="BidRequest"/>: <see cref="BidRequestReader{TTokens}"/>
/// over <see cref="Utf8JsonReader"/>'s tokens (see there for what is accepted and refused). No
/// allocation per request once the request's pools have grown.
/// </summary>
public static class BidRequestParser
{
    /// <summary>Parses <paramref name="utf8Json"/> into <paramref name="request"/> (which is reset first).</summary>
    public static void Parse(ReadOnlySpan<byte> utf8Json, BidRequest request, BidRequestLimits? limits = null)
    {
        limits = BidRequestReading.Begin(request, limits, utf8Json.IsEmpty);
        Read(new Utf8JsonReader(utf8Json, Options(limits)), request, limits);
    }

    /// <summary>Parses a body that arrived in several segments (a pipe's buffer, say).</summary>
    public static void Parse(ReadOnlySequence<byte> utf8Json, BidRequest request, BidRequestLimits? limits = null)
    {
        if (utf8Json.IsSingleSegment)
        {
            Parse(utf8Json.FirstSpan, request, limits);
            return;
        }

        limits = BidRequestReading.Begin(request, limits, utf8Json.IsEmpty);
        Read(new Utf8JsonReader(utf8Json, Options(limits)), request, limits);
    }

    private static JsonReaderOptions Options(BidRequestLimits limits) => new()
    {
        MaxDepth = limits.MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private static void Read(Utf8JsonReader reader, BidRequest request, BidRequestLimits limits)
    {
        var tokens = new OpenRtbJsonTokens(reader, request);
        try
        {
            BidRequestReader<OpenRtbJsonTokens>.Read(ref tokens, request, limits);
        }
        catch (JsonException e)
        {
            // The reader's message says what and where (line, byte position); keep it.
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "invalid JSON: " + e.Message, e);
        }
    }
}
