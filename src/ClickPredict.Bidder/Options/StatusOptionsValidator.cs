using System.Numerics;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="StatusOptions"/> at start; every message names the configuration key.</summary>
internal sealed class StatusOptionsValidator : IValidateOptions<StatusOptions>
{
    public ValidateOptionsResult Validate(string? name, StatusOptions options)
    {
        var failures = new List<string>();
        const string S = StatusOptions.SectionName;
        if (options.BucketSeconds is < 1 or > 3600)
        {
            failures.Add($"{S}:BucketSeconds must be between 1 and 3600 (got {options.BucketSeconds})");
        }

        if (options.Buckets is < 2 or > 100_000)
        {
            failures.Add($"{S}:Buckets must be between 2 and 100000 (got {options.Buckets})");
        }

        if (options.LabelDelaySeconds is < 0 or > 7 * 86400)
        {
            failures.Add($"{S}:LabelDelaySeconds must be between 0 and 604800 (got {options.LabelDelaySeconds})");
        }

        if (options.TrackedBids is < 1024 or > 1 << 26 || !BitOperations.IsPow2(options.TrackedBids))
        {
            failures.Add($"{S}:TrackedBids must be a power of two between 1024 and 67108864 (got {options.TrackedBids})");
        }

        if (options.MaxPendingImpressions is < 1 or > 100_000_000)
        {
            failures.Add($"{S}:MaxPendingImpressions must be between 1 and 100000000 (got {options.MaxPendingImpressions})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
