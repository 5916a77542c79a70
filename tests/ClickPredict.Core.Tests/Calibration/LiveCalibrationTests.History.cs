using ClickPredict.Core.Calibration;
using ClickPredict.Core.Model;

namespace ClickPredict.Core.Tests.Calibration;

/// <summary>The shrinkage judged against the shifts the stream has needed lately (<c>ShrinkageHistoryHalfLives</c>).</summary>
public partial class LiveCalibrationTests
{
    /// <summary>
    /// Known values, k = 2, noise 0.0036 (a standard error of 0.06): a shift of 0.1 is within two standard errors, so
    /// its own value zeroes it; against a history whose prior variance is 0.09 (shifts of about 0.3) it keeps
    /// e / (e + v) of itself, e = 0.09 - 3 x 0.0036 = 0.0792 (0.956522), and so does a large shift (0.5, which its own
    /// value would shrink by 1 - 0.0144 / 0.25 = 0.9424). With a quiet history (0), or one within the bar (0.01 &lt; 3v),
    /// each is shrunk by its own value as before.
    /// </summary>
    [Theory]
    [InlineData(0.1, 0.0, 0.0)]
    [InlineData(0.1, 0.01, 0.0)]
    [InlineData(0.1, 0.09, 0.0956522)]
    [InlineData(-0.1, 0.09, -0.0956522)]
    [InlineData(0.5, 0.0, 0.4712)]
    [InlineData(0.5, 0.01, 0.4712)]
    [InlineData(0.5, 0.09, 0.4782609)]
    public void Shrink_PriorVarianceFromHistory_KeepsAShiftOfAKnownSize(double shift, double priorVariance, double expected)
    {
        Assert.Equal(expected, LiveCalibration.Shrink(shift, 0.0036, 2, priorVariance), 6);
        Assert.Equal(LiveCalibration.Shrink(shift, 0.0036, 2), LiveCalibration.Shrink(shift, 0.0036, 2, 0), 12);
    }

    /// <summary>
    /// The demo's market in miniature: a new champion every 8000 examples (about 9% CTR, logit spread 0.4, half-life
    /// 1000: the demo's 30 s between models), each off by its own shift of 0.2-0.4 logit either way, its calibration
    /// starting afresh at each champion. Over examples 1000-4000 of each champion, where the level has mostly converged
    /// but its noise is still a good part of the shift, the shift judged against history is nearer the champion's true
    /// shift than the one judged by its own value only, on every seed, and by at least 2% on average (measured: 0.130
    /// against 0.137 logit, 5%: most of the remaining error is the level still converging after each reset, which no
    /// shrinkage removes). The history's prior variance (about 0.06) settles well above a calibrated stream's (under
    /// 0.003, the next test) and under the shifts' mean square (0.09: each champion's level starts from its prior).
    /// </summary>
    [Fact]
    public void Observe_ChampionsEachOffByTheirOwnShift_HistoryCorrectsANewChampionSooner()
    {
        double withSum = 0, withoutSum = 0, prior0 = 0;
        for (var seed = 1; seed <= 5; seed++)
        {
            var (with, prior) = ChampionsError(new LiveCalibrationOptions { HalfLifeExamples = 1000, Trend = false }, seed);
            var (without, _) = ChampionsError(new LiveCalibrationOptions { HalfLifeExamples = 1000, Trend = false, ShrinkageHistoryHalfLives = 0 }, seed);
            Assert.True(with < without, $"seed {seed}: mean error {with:F4} with history, {without:F4} without, prior {prior:F4}");
            Assert.True(prior is > 0.01 and < 0.16, $"seed {seed}: prior variance {prior:F4}");
            withSum += with / 5;
            prior0 = prior;
            withoutSum += without / 5;
        }

        Assert.True(withSum < 0.98 * withoutSum, $"mean error {withSum:F4} with history, {withoutSum:F4} without, last prior {prior0:F4}");
    }

    /// <summary>A calibrated stream with a new champion every 4000 examples: the history stays near 0 and the shift stays 0 as often as without it.</summary>
    [Fact]
    public void Observe_CalibratedChampions_HistoryLeavesThemAlone()
    {
        for (var seed = 1; seed <= 5; seed++)
        {
            var options = new LiveCalibrationOptions { HalfLifeExamples = 1000 };
            var (with, prior) = ChampionsZeroShare(options, seed);
            var (without, _) = ChampionsZeroShare(options with { ShrinkageHistoryHalfLives = 0 }, seed);
            Assert.True(prior < 0.003, $"seed {seed}: prior variance {prior:F5}");
            Assert.True(with >= without - 0.02, $"seed {seed}: shift 0 on {with:P1} of rows with history, {without:P1} without");
        }
    }

    /// <summary>The history is the stream's, not the model's: a reset (a new champion) keeps it, and a checkpoint carries it.</summary>
    [Fact]
    public void ResetAndRestore_KeepTheHistory()
    {
        var calibration = new LiveCalibration(s_schema, new LiveCalibrationOptions { HalfLifeExamples = 1000 });
        var values = Values("1");
        var random = new Random(3);
        for (var i = 0; i < 5000; i++)
        {
            calibration.Observe(0.05, values, random.NextDouble() < 0.1, i);
        }

        var prior = calibration.LevelPriorVariance;
        Assert.True(prior > 0.1, $"prior variance {prior:F4} after a stream twice as clicky as predicted");
        var state = calibration.Export("ctr@1", null);
        calibration.Reset();
        Assert.Equal(0, calibration.GlobalShift);
        Assert.Equal(prior, calibration.LevelPriorVariance, 12);

        var restored = new LiveCalibration(s_schema, new LiveCalibrationOptions { HalfLifeExamples = 1000 });
        restored.Restore(state);
        Assert.Equal(prior, restored.LevelPriorVariance, 12);
    }

    [Fact]
    public void Validate_BadShrinkageHistory_NamesTheKey()
    {
        Assert.Contains(new LiveCalibrationOptions { ShrinkageHistoryHalfLives = -1 }.Validate("C"), p => p.StartsWith("C:ShrinkageHistoryHalfLives", StringComparison.Ordinal));
        Assert.Contains(new LiveCalibrationOptions { ShrinkageHistoryHalfLives = 5000 }.Validate("C"), p => p.StartsWith("C:ShrinkageHistoryHalfLives", StringComparison.Ordinal));
    }

    /// <summary>
    /// Twenty champions of 8000 examples, each off by a shift of 0.2-0.4 of random sign: the mean absolute difference
    /// between the served shift and the champion's true one over examples 1000-4000 of each, and the level's prior
    /// variance at the end.
    /// </summary>
    private static (double Error, double PriorVariance) ChampionsError(LiveCalibrationOptions options, int seed)
    {
        var calibration = new LiveCalibration(s_schema, options);
        var values = Values("1");
        var random = new Random(seed);
        double error = 0;
        var measured = 0;
        for (var champion = 0; champion < 20; champion++)
        {
            calibration.Reset();
            var truth = (random.Next(2) == 0 ? -1 : 1) * (0.2 + (0.2 * random.NextDouble()));
            for (var i = 0; i < 8000; i++)
            {
                if (i is >= 1000 and < 4000 && champion > 0)
                {
                    error += Math.Abs(calibration.GlobalShift - truth);
                    measured++;
                }

                var p = Logistic.Sigmoid(Logistic.Logit(0.09) + (0.4 * Gaussian(random)));
                calibration.Observe(p, values, random.NextDouble() < Logistic.Sigmoid(Logistic.Logit(p) + truth), (champion * 8000) + i);
            }
        }

        return (error / measured, calibration.LevelPriorVariance);
    }

    /// <summary>Twenty calibrated champions of 4000 examples (about 9%): the share of rows whose pCTR the calibration left alone, and the prior variance at the end.</summary>
    private static (double ZeroShare, double PriorVariance) ChampionsZeroShare(LiveCalibrationOptions options, int seed)
    {
        var calibration = new LiveCalibration(s_schema, options);
        var values = Values("1");
        var random = new Random(seed);
        var untouched = 0;
        for (var champion = 0; champion < 20; champion++)
        {
            calibration.Reset();
            for (var i = 0; i < 4000; i++)
            {
                var p = Logistic.Sigmoid(Logistic.Logit(0.09) + (0.4 * Gaussian(random)));
                untouched += calibration.Observe(p, values, random.NextDouble() < p, (champion * 4000) + i) == p ? 1 : 0;
            }
        }

        return (untouched / 80_000.0, calibration.LevelPriorVariance);
    }
}
