using ClickPredict.Core.Features;
using ClickPredict.Core.Training;
using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Options;

/// <summary>
/// Checks <see cref="RetrainPolicyOptions"/> at start and on every reload (a bad edit of
/// <c>config/trainer.json</c> is refused and logged; the learner keeps the last good policy).
/// Drift fields must be fields of the OpenRTB schema the examples carry.
/// </summary>
internal sealed class RetrainPolicyOptionsValidator : IValidateOptions<RetrainPolicyOptions>
{
    private static readonly string[] s_fields = [.. FieldSchema.OpenRtb.Fields.Select(f => f.Name)];

    public ValidateOptionsResult Validate(string? name, RetrainPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = options.Validate(RetrainPolicyOptions.SectionName, s_fields);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
