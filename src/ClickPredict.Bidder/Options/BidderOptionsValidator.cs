using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="BidderOptions"/> at start; every message names the configuration key.</summary>
internal sealed class BidderOptionsValidator : IValidateOptions<BidderOptions>
{
    public ValidateOptionsResult Validate(string? name, BidderOptions options)
    {
        var failures = new List<string>();
        const string S = BidderOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.CampaignsPath))
        {
            failures.Add($"{S}:CampaignsPath must name the campaigns file");
        }

        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)
            || baseUrl.Query.Length > 0 || baseUrl.Fragment.Length > 0)
        {
            failures.Add($"{S}:PublicBaseUrl must be an absolute http(s) URL without query or fragment (got '{options.PublicBaseUrl}')");
        }
        else if (options.PublicBaseUrl.Length > BidderOptions.MaxPublicBaseUrlLength)
        {
            // Every bid's notice URLs are assembled in a fixed stack buffer (BidResponseWriter).
            failures.Add($"{S}:PublicBaseUrl must be at most {BidderOptions.MaxPublicBaseUrlLength} characters (got {options.PublicBaseUrl.Length})");
        }

        if (string.IsNullOrWhiteSpace(options.Seat))
        {
            failures.Add($"{S}:Seat must not be empty");
        }

        if (options.Exchanges.Count == 0)
        {
            failures.Add($"{S}:Exchanges must name at least one exchange");
        }

        foreach (var (exchange, settings) in options.Exchanges)
        {
            if (!ValidName(exchange))
            {
                failures.Add($"{S}:Exchanges:{exchange}: exchange names are 1-32 letters, digits, '-' or '_'");
            }

            if (settings.NoBidStatus is not (200 or 204))
            {
                failures.Add($"{S}:Exchanges:{exchange}:NoBidStatus must be 204 or 200 (got {settings.NoBidStatus})");
            }
        }

        if (!options.Exchanges.ContainsKey(options.DefaultExchange ?? string.Empty))
        {
            failures.Add($"{S}:DefaultExchange '{options.DefaultExchange}' is not one of {S}:Exchanges ({string.Join(", ", options.Exchanges.Keys)})");
        }

        if (options.DefaultTMaxMs is < 1 or > 60_000)
        {
            failures.Add($"{S}:DefaultTMaxMs must be between 1 and 60000 (got {options.DefaultTMaxMs})");
        }

        if (options.NetworkAllowanceMs is < 0 or > 10_000)
        {
            failures.Add($"{S}:NetworkAllowanceMs must be between 0 and 10000 (got {options.NetworkAllowanceMs})");
        }

        if (options.EventBatchBytes != 0 && options.EventBatchBytes is < 4_096 or > 900_000)
        {
            failures.Add($"{S}:EventBatchBytes must be 0 (no batching) or between 4096 and 900000 (got {options.EventBatchBytes})");
        }

        if (options.EventFlushMs is < 1 or > 1_000)
        {
            failures.Add($"{S}:EventFlushMs must be between 1 and 1000 (got {options.EventFlushMs})");
        }

        if (options.EventBufferKb is < 64 or > 65_536)
        {
            failures.Add($"{S}:EventBufferKb must be between 64 and 65536 (got {options.EventBufferKb})");
        }

        if (options.FirstPriceShading is <= 0m or > 1m)
        {
            failures.Add($"{S}:FirstPriceShading must be greater than 0 and at most 1 (got {options.FirstPriceShading})");
        }

        foreach (var (currency, rate) in options.FxRates)
        {
            if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            {
                failures.Add($"{S}:FxRates:{currency}: currencies are ISO 4217 codes (three capital letters)");
            }

            if (rate <= 0m)
            {
                failures.Add($"{S}:FxRates:{currency} must be greater than 0 (units per US dollar; got {rate})");
            }
        }

        if (options.FxRates.TryGetValue("USD", out var usd) && usd != 1m)
        {
            failures.Add($"{S}:FxRates:USD must be 1 if given (got {usd})");
        }

        if (options.PacingHeadroomMinutes is < 0 or > 1440)
        {
            failures.Add($"{S}:PacingHeadroomMinutes must be between 0 and 1440 (got {options.PacingHeadroomMinutes})");
        }

        if (options.MaxBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add($"{S}:MaxBodyBytes must be between 1024 and 16777216 (got {options.MaxBodyBytes})");
        }

        if (options.MaxHeaderBytes is < 1024 or > 1024 * 1024)
        {
            failures.Add($"{S}:MaxHeaderBytes must be between 1024 and 1048576 (got {options.MaxHeaderBytes})");
        }

        if (options.MaxHeaderCount is < 8 or > 1000)
        {
            failures.Add($"{S}:MaxHeaderCount must be between 8 and 1000 (got {options.MaxHeaderCount})");
        }

        if (options.GzipMinBytes < 0)
        {
            failures.Add($"{S}:GzipMinBytes must not be negative (got {options.GzipMinBytes})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool ValidName(string name)
    {
        if (name.Length is 0 or > 32)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
