using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="BidShadingOptions"/> at start; every message names the configuration key.</summary>
internal sealed class BidShadingOptionsValidator : IValidateOptions<BidShadingOptions>
{
    public ValidateOptionsResult Validate(string? name, BidShadingOptions options)
    {
        var failures = new List<string>();
        const string S = BidShadingOptions.SectionName;
        if (!Enum.IsDefined(options.Pricing))
        {
            failures.Add($"{S}:Pricing must be Model or Fixed (got {options.Pricing})");
        }

        if (!(options.ExplorationShare is >= 0 and <= 0.5))
        {
            failures.Add($"{S}:ExplorationShare must be between 0 and 0.5 (got {options.ExplorationShare})");
        }

        if (!(options.ExplorationWidth is >= 0 and <= 2))
        {
            failures.Add($"{S}:ExplorationWidth must be between 0 and 2 (got {options.ExplorationWidth})");
        }

        if (options.MinObservations is < 0 or > 1_000_000_000_000)
        {
            failures.Add($"{S}:MinObservations must be between 0 and 1000000000000 (got {options.MinObservations})");
        }

        if (string.IsNullOrWhiteSpace(options.RegistryPath))
        {
            failures.Add($"{S}:RegistryPath must not be empty");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
