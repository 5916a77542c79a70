using System.Buffers;
using MessagePack;

namespace ClickPredict.Core.OpenRtb;

/// <summary>
/// Reads OpenRTB 2.5/2.6 bid requests encoded as MessagePack (<c>application/x-msgpack</c>: the JSON
/// schema with maps for objects, string keys, arrays, strings, numbers and nil) into a reusable
/// <see cref="BidRequest"/>: <see cref="BidRequestReader{TTokens}"/> over <see cref="MessagePackReader"/>'s
/// values, so it accepts and refuses what <see cref="BidRequestParser"/> does (same error, same
/// path), and allocates nothing per request once the request's pools have grown.
/// </summary>
public static class BidRequestMessagePackParser
{
    /// <summary>Parses <paramref name="body"/> into <paramref name="request"/> (which is reset first).</summary>
    public static void Parse(ReadOnlyMemory<byte> body, BidRequest request, BidRequestLimits? limits = null) =>
        Parse(new ReadOnlySequence<byte>(body), request, limits);

    /// <summary>Parses a body that arrived in one or several segments (a pipe's buffer, say).</summary>
    public static void Parse(ReadOnlySequence<byte> body, BidRequest request, BidRequestLimits? limits = null)
    {
        limits = BidRequestReading.Begin(request, limits, body.IsEmpty);
        var tokens = new OpenRtbMessagePackTokens(body, request, limits);
        try
        {
            BidRequestReader<OpenRtbMessagePackTokens>.Read(ref tokens, request, limits);
        }
        catch (EndOfStreamException e)
        {
            // Also what the reader says when a header claims more items or bytes than the body holds.
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "the MessagePack ends early", e);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            // The reader's own checks on a length or count that cannot be (a corrupt header).
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "invalid MessagePack: a length or number out of range", e);
        }
        catch (MessagePackSerializationException e)
        {
            // A byte that is no MessagePack code (0xc1), or a value the reader cannot decode.
            throw new BidRequestException(BidRequestError.Malformed, string.Empty, "invalid MessagePack: " + e.Message, e);
        }
    }
}
