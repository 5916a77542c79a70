using System.Runtime.CompilerServices;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// How the back-test scores an example for its metrics: <see cref="LogisticModel.RequestLogit"/> over
/// the request fields, then <see cref="LogisticModel.PredictCandidate"/> for the creative, which give
/// what the bidder's <see cref="Core.OpenRtb.OpenRtbScorer"/> gives (the same hasher, the same weights
/// and the same order of additions), so a replayed bid gets its logged pCTR back bit for bit. The
/// serving cost is not timed here but on the bidder's own call (<see cref="ServingCost"/>).
/// </summary>
internal static class BacktestScorer
{
    /// <summary>The calibrated pCTR of the example in <paramref name="values"/>; <paramref name="slots"/> is scratch of at least <see cref="FeatureHasher.SlotCount"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Score(LogisticModel model, FieldValues values, Span<uint> slots)
    {
        var requestLogit = model.RequestLogit(values, slots);
        return model.PredictCandidate(requestLogit, values, slots);
    }

    /// <summary>Scores rows <paramref name="from"/> to <paramref name="to"/> (exclusive) of <paramref name="table"/>.</summary>
    public static double[] Score(LogisticModel model, ExampleTable table, int from, int to, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(table);
        var values = new FieldValues(table.Schema);
        var slots = new uint[model.Hasher.SlotCount];
        var predictions = new double[to - from];
        for (var row = from; row < to; row++)
        {
            table.Fill(row, values);
            predictions[row - from] = Score(model, values, slots);
            if (progress is not null && ((row - from + 1) & 0xFFF) == 0)
            {
                progress(row - from + 1);
            }
        }

        return predictions;
    }
}
