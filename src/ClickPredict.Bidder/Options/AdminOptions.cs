namespace ClickPredict.Bidder.Options;

/// <summary>The admin API: config section <c>Admin</c>.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>
    /// <c>Admin:Token</c>: the bearer token <c>/admin/*</c> requires (at least 16 characters). Unset
    /// (the default) turns the admin API off: it answers 403.
    /// </summary>
    public string? Token { get; set; }
}
