using System.Globalization;
using ClickPredict.Core.Features;

namespace ClickPredict.Cli.Backtest;

/// <summary>
/// <c>backtest --suggest</c>: tries the baseline plus each single field it does not use and plus each
/// pairwise cross it does not have, each trained and evaluated like any candidate, and ranks them by
/// log-loss gain per nanosecond of extra serving cost (additions that do not gain come last, by gain).
/// </summary>
internal sealed class SuggestionSearch
{
    /// <summary>Extra cost an addition is charged at least, nanoseconds: a hash and a weight load are never free.</summary>
    public const double MinimumCostNanoseconds = 1.0;

    /// <summary>Times the baseline is timed against itself to find the timing resolution.</summary>
    private const int ResolutionTrials = 5;

    private readonly BacktestEngine _engine;
    private readonly BacktestSettings _settings;

    public SuggestionSearch(BacktestEngine engine, BacktestSettings settings)
    {
        _engine = engine;
        _settings = settings;
    }

    /// <summary>
    /// The additions worth trying on <paramref name="baseline"/>: each of <paramref name="fields"/> (default:
    /// the schema's) it does not use on its own, then each missing pairwise cross among them.
    /// </summary>
    public static List<(string Change, FeatureSpec Spec)> Additions(FeatureSpec baseline, IReadOnlyList<FieldDefinition>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var additions = new List<(string, FeatureSpec)>();
        var schema = baseline.Schema;
        var tried = fields ?? schema.Fields;
        if (baseline.Fields.Count < FeatureSpec.MaxFields)
        {
            foreach (var field in tried)
            {
                if (!baseline.Fields.Contains(field))
                {
                    additions.Add(($"+{field.Name}", baseline.WithField(field.Name).WithName($"{baseline.Name}+{field.Name}")));
                }
            }
        }

        if (baseline.Crosses.Count < FeatureSpec.MaxCrosses)
        {
            var existing = baseline.Crosses
                .Where(c => c.Fields.Count == 2)
                .Select(c => (Math.Min(c.Fields[0].Index, c.Fields[1].Index), Math.Max(c.Fields[0].Index, c.Fields[1].Index)))
                .ToHashSet();
            var ordered = tried.OrderBy(f => f.Index).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                for (var j = i + 1; j < ordered.Count; j++)
                {
                    var (a, b) = (ordered[i], ordered[j]);
                    if (!existing.Contains((a.Index, b.Index)))
                    {
                        var name = $"{a.Name}&{b.Name}";
                        additions.Add(($"+{name}", baseline.WithCross(a.Name, b.Name).WithName($"{baseline.Name}+{name}")));
                    }
                }
            }
        }

        return additions;
    }

    /// <summary>
    /// Tries every addition. Each one's extra serving cost is timed against the baseline; costs below
    /// the timing resolution (the largest difference the baseline shows against itself) cannot be told
    /// apart, so for ranking an addition is charged at least that resolution.
    /// </summary>
    public (List<Suggestion> Suggestions, double Resolution) Run(SpecOutcome baseline, SplitData data, IBacktestProgress progress)
    {
        var additions = Additions(baseline.Source.Spec, _settings.SuggestFields);
        var stage = progress.Begin("suggest", additions.Count);
        var bootstrap = _engine.Bootstrap();
        var baselineModel = baseline.Model!;
        var budget = _settings.TimingBudget / 2;
        var resolution = MinimumCostNanoseconds;
        for (var trial = 0; trial < ResolutionTrials; trial++)
        {
            resolution = Math.Max(resolution, Math.Abs(ServingCost.Extra(baselineModel, baselineModel, data.TimingRequests, budget).Extra));
        }

        var suggestions = new List<Suggestion>(additions.Count);
        for (var i = 0; i < additions.Count; i++)
        {
            var (change, spec) = additions[i];
            var source = new SpecSource(spec, spec.Name, SpecSource.Suggestion, null, change);
            var outcome = _engine.RunSpec(source, data, NullProgress.Instance);
            // Time the baseline and the candidate by turns, so both see the machine in the same state.
            var (_, candidateNs, extraNs) = ServingCost.Extra(baselineModel, outcome.Model!, data.TimingRequests, budget);
            var comparison = bootstrap.Compare(baseline.Predictions, outcome.Predictions, data.Labels);
            // Keep the figures, not the model and predictions: there may be hundreds of these.
            suggestions.Add(new Suggestion
            {
                Outcome = outcome with { VsBaseline = comparison, Model = null, Predictions = [], HashScoreNanoseconds = candidateNs },
                ExtraNanoseconds = extraNs,
                CostFloorNanoseconds = resolution,
            });
            stage.Report(i + 1, change);
        }

        suggestions = Rank(suggestions);
        var best = suggestions.Count > 0 ? suggestions[0] : null;
        stage.Finish(best is null
            ? "nothing to add"
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{suggestions.Count} additions tried, {suggestions.Count(s => s.Significant)} with a significant gain; best {best.Outcome.Source.Change} (log loss {-best.Gain:+0.00000;-0.00000}); timing resolution {resolution:F1} ns"));
        return (suggestions, resolution);
    }

    /// <summary>Gains first, by gain per nanosecond; then the rest, by gain.</summary>
    public static List<Suggestion> Rank(IEnumerable<Suggestion> suggestions) =>
        [.. suggestions
            .OrderByDescending(s => s.Gain > 0)
            .ThenByDescending(s => s.Gain > 0 ? s.GainPerNanosecond : s.Gain)
            .ThenBy(s => s.Outcome.Source.Label, StringComparer.Ordinal)];
}
