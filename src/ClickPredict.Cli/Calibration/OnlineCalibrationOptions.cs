using System.CommandLine;
using ClickPredict.Core.Calibration;
using ClickPredict.Core.Features;

namespace ClickPredict.Cli.Calibration;

/// <summary>
/// The command-line options of the progressive mode with live calibration that <c>evaluate</c> and
/// <c>backtest</c> share: <c>--online-calibration</c> turns it on, the others tune it.
/// </summary>
internal sealed class OnlineCalibrationOptions
{
    public Option<bool> Enabled { get; } = new("--online-calibration")
    {
        Description = "Progressive mode with live calibration: score the rows in file order, each calibrated before its label updates the calibration, as the trainer does",
    };

    public Option<double?> HalfLife { get; } = CliOptions.Number("--calibration-half-life", "With --online-calibration: half-life of the calibration, in rows (default 5000)", 0, exclusive: true);

    public Option<double?> PriorClicks { get; } = CliOptions.Number("--calibration-prior-clicks", "With --online-calibration: pseudo-clicks the global shift starts from (default 5)", 0, exclusive: true);

    public Option<double?> Shrinkage { get; } = CliOptions.Number("--calibration-evidence-shrinkage", "With --online-calibration: shrink each shift by its evidence, times max(0, 1 - k^2 var / shift^2): a shift within k standard errors of 0 stays 0 (default 2; 0: none)", 0, exclusive: false);

    public Option<double?> ShrinkageHistory { get; } = CliOptions.Number("--calibration-shrinkage-history", "With --online-calibration: judge each shift also against the shifts needed over this many half-lives before it (the prior's variance from history; default 10; 0: the shift's own value only)", 0, exclusive: false);

    public Option<bool?> Trend { get; } = new("--calibration-trend")
    {
        Description = "With --online-calibration: project the global shift along its trend to the newest row, true or false (default true; false: the level alone, which lags by its mean age)",
    };

    public Option<double?> TrendHorizon { get; } = CliOptions.Number("--calibration-trend-horizon", "With --online-calibration and the trend: project this many seconds of event time beyond the newest row, as the trainer does over its label delay (default 0: each row is calibrated at once)", 0, exclusive: false);

    public Option<string?> Segments { get; } = new("--calibration-segments")
    {
        Description = "With --online-calibration: fields (comma-separated) whose values get a shift of their own on top of the global one",
    };

    public Option<int> Window { get; } = CliOptions.Count("--calibration-window", "With --online-calibration: rows per window of the calibration-over-time table", 2000);

    public IEnumerable<Option> All => [Enabled, HalfLife, PriorClicks, Shrinkage, ShrinkageHistory, Trend, TrendHorizon, Segments, Window];

    /// <summary>The calibration the command line asks for on <paramref name="schema"/>, or null without <c>--online-calibration</c>.</summary>
    public LiveCalibrationOptions? Read(ParseResult parsed, FieldSchema schema)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        ArgumentNullException.ThrowIfNull(schema);
        var halfLife = parsed.GetValue(HalfLife);
        var segments = parsed.GetValue(Segments);
        var prior = parsed.GetValue(PriorClicks);
        var shrinkage = parsed.GetValue(Shrinkage);
        var history = parsed.GetValue(ShrinkageHistory);
        var trend = parsed.GetValue(Trend);
        var horizon = parsed.GetValue(TrendHorizon);
        if (!parsed.GetValue(Enabled))
        {
            if (halfLife is not null || prior is not null || shrinkage is not null || history is not null || trend is not null || horizon is not null || segments is not null || parsed.GetResult(Window) is { Implicit: false })
            {
                throw new CliException("--calibration-half-life, --calibration-prior-clicks, --calibration-evidence-shrinkage, --calibration-shrinkage-history, --calibration-trend, --calibration-trend-horizon, --calibration-segments and --calibration-window tune --online-calibration; add it");
            }

            return null;
        }

        var fields = segments?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        foreach (var field in fields)
        {
            if (!schema.TryGetField(field, out _))
            {
                throw new CliException($"--calibration-segments: schema '{schema.Name}' has no field '{field}'");
            }
        }

        var defaults = new LiveCalibrationOptions();
        var options = defaults with
        {
            HalfLifeExamples = halfLife ?? defaults.HalfLifeExamples,
            PriorClicks = prior ?? defaults.PriorClicks,
            EvidenceShrinkage = shrinkage ?? defaults.EvidenceShrinkage,
            ShrinkageHistoryHalfLives = history ?? defaults.ShrinkageHistoryHalfLives,
            Trend = trend ?? defaults.Trend,
            TrendHorizonSeconds = horizon ?? defaults.TrendHorizonSeconds,
            SegmentFields = [.. fields.Distinct(StringComparer.Ordinal)],
        };
        var problems = options.Validate("--online-calibration", schema);
        return problems.Count == 0 ? options : throw new CliException(string.Join(" ", problems));
    }
}
