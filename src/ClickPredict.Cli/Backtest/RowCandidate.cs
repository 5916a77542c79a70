using ClickPredict.Core.Features;
using ClickPredict.Core.OpenRtb;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// The one candidate of a back-test row, as <see cref="OpenRtbScorer.ScoreExtracted"/> reads it: its
/// slot hashes under one model, worked out before timing starts, as the bidder keeps them on each
/// <see cref="AdCandidate"/> instead of hashing them per request.
/// </summary>
internal readonly struct RowCandidate(uint[] hashes, int start, int length) : ICandidateSlots
{
    public int Count => 1;

    public ReadOnlySpan<uint> SlotHashes(int index, FeatureHasher hasher) => new(hashes, start, length);
}
