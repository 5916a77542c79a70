using ClickPredict.Core.Features;

namespace ClickPredict.Cli.Backtest;

/// <summary>A feature spec taking part in a back-test, where it came from and how it is shown.</summary>
/// <param name="Spec">The spec.</param>
/// <param name="Label">Its name in tables, charts and JSON (unique within a back-test).</param>
/// <param name="Role"><c>baseline</c>, <c>candidate</c> or <c>suggestion</c>.</param>
/// <param name="Path">The spec file, or null for a spec made by <c>--suggest</c>.</param>
/// <param name="Change">What a suggestion adds to the baseline (<c>+field</c>, <c>+a&amp;b</c>), else null.</param>
internal sealed record SpecSource(FeatureSpec Spec, string Label, string Role, string? Path, string? Change = null)
{
    public const string Baseline = "baseline", Candidate = "candidate", Suggestion = "suggestion";
}
