using System.Buffers;

namespace ClickPredict.Core.Tests.OpenRtb;

/// <summary>Builds a multi-segment <see cref="ReadOnlySequence{T}"/>, as a pipe hands over a body in pieces.</summary>
internal sealed class RequestSegments : ReadOnlySequenceSegment<byte>
{
    private RequestSegments(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public static ReadOnlySequence<byte> Split(byte[] bytes, int pieceSize)
    {
        var first = new RequestSegments(bytes.AsMemory(0, Math.Min(pieceSize, bytes.Length)), 0);
        var last = first;
        for (var at = pieceSize; at < bytes.Length; at += pieceSize)
        {
            var next = new RequestSegments(bytes.AsMemory(at, Math.Min(pieceSize, bytes.Length - at)), at);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
