using System.Globalization;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="RegistryOptions"/> at start; every message names the configuration key.</summary>
internal sealed class RegistryOptionsValidator : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        var failures = new List<string>();
        const string S = RegistryOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{S}:Path must name the registry directory");
        }

        if (options.ExpectedSpecFingerprint is { Length: > 0 } fingerprint
            && (fingerprint.Length != 16 || !ulong.TryParse(fingerprint, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)))
        {
            failures.Add($"{S}:ExpectedSpecFingerprint must be 16 hex digits (got '{fingerprint}')");
        }

        if (options.PollIntervalMs is < 50 or > 600_000)
        {
            failures.Add($"{S}:PollIntervalMs must be between 50 and 600000 (got {options.PollIntervalMs})");
        }

        if (options.CanaryRequests is < 1 or > 10_000)
        {
            failures.Add($"{S}:CanaryRequests must be between 1 and 10000 (got {options.CanaryRequests})");
        }

        if (!(options.CanaryMinMeanPctr >= 0 && options.CanaryMinMeanPctr < options.CanaryMaxMeanPctr && options.CanaryMaxMeanPctr <= 1))
        {
            failures.Add($"{S}:CanaryMinMeanPctr and {S}:CanaryMaxMeanPctr must satisfy 0 <= min < max <= 1 (got {options.CanaryMinMeanPctr} and {options.CanaryMaxMeanPctr})");
        }

        if (options.History is < 1 or > 100)
        {
            failures.Add($"{S}:History must be between 1 and 100 (got {options.History})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
