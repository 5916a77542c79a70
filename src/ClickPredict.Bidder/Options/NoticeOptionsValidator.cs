using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="NoticeOptions"/> at start; every message names the configuration key.</summary>
internal sealed class NoticeOptionsValidator : IValidateOptions<NoticeOptions>
{
    public const int MinKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, NoticeOptions options)
    {
        var failures = new List<string>();
        const string S = NoticeOptions.SectionName;
        if (string.IsNullOrEmpty(options.HmacKey) || options.HmacKey.Length < MinKeyLength)
        {
            failures.Add($"{S}:HmacKey must be at least {MinKeyLength} characters (it signs win and click URLs)");
        }

        if (options.WinMaxAgeSeconds is < 1 or > 7 * 86400)
        {
            failures.Add($"{S}:WinMaxAgeSeconds must be between 1 and 604800 (got {options.WinMaxAgeSeconds})");
        }

        if (options.ClickMaxAgeSeconds is < 1 or > 30 * 86400)
        {
            failures.Add($"{S}:ClickMaxAgeSeconds must be between 1 and 2592000 (got {options.ClickMaxAgeSeconds})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
