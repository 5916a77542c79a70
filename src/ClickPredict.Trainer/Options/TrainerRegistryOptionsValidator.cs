using Microsoft.Extensions.Options;

namespace ClickPredict.Trainer.Options;

/// <summary>Checks <see cref="TrainerRegistryOptions"/> at start; every message names its configuration key.</summary>
internal sealed class TrainerRegistryOptionsValidator : IValidateOptions<TrainerRegistryOptions>
{
    private const string S = TrainerRegistryOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, TrainerRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{S}:Path must name the registry directory.");
        }

        if (options.Retain is < 1 or > 10_000)
        {
            failures.Add($"{S}:Retain must be between 1 and 10000, but was {options.Retain}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
