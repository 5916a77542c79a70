using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="FleetOptions"/> at start, against <see cref="BidderOptions"/>; every message names the configuration key.</summary>
internal sealed class FleetOptionsValidator(IOptions<BidderOptions> bidder) : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var failures = new List<string>();
        const string S = FleetOptions.SectionName;
        if (options.Enabled && !bidder.Value.LogEvents)
        {
            failures.Add($"{S}:Enabled needs {BidderOptions.SectionName}:LogEvents (the fleet's spend is the impressions topic); set {S}:Enabled=false for a bidder that logs nothing");
        }

        if (options.ConnectTimeoutMs is < 100 or > 300_000)
        {
            failures.Add($"{S}:ConnectTimeoutMs must be between 100 and 300000 (got {options.ConnectTimeoutMs})");
        }

        if (options.BidReserveMs is < 0 or > 600_000)
        {
            failures.Add($"{S}:BidReserveMs must be between 0 and 600000 (got {options.BidReserveMs})");
        }

        if (options.FetchWaitMs is < 0 or > 5_000)
        {
            failures.Add($"{S}:FetchWaitMs must be between 0 and 5000 (got {options.FetchWaitMs})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
