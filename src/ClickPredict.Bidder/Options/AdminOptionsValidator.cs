using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Options;

/// <summary>Checks <see cref="AdminOptions"/> at start; every message names the configuration key.</summary>
internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public const int MinTokenLength = 16;

    public ValidateOptionsResult Validate(string? name, AdminOptions options) =>
        options.Token is { Length: > 0 and < MinTokenLength }
            ? ValidateOptionsResult.Fail($"{AdminOptions.SectionName}:Token must be at least {MinTokenLength} characters, or unset to turn the admin API off")
            : ValidateOptionsResult.Success;
}
