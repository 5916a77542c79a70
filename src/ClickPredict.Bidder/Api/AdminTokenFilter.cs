using System.Security.Cryptography;
using System.Text;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Options;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// The admin endpoints' guard: a request passes with <c>Authorization: Bearer {Admin:Token}</c>, compared in
/// constant time (both sides hashed first, so not even the length leaks); otherwise 401 with
/// <c>WWW-Authenticate: Bearer</c>. Without a configured token the admin API is off: 403. An endpoint filter
/// on the admin group only, so the bid path runs no authentication middleware.
/// </summary>
internal sealed class AdminTokenFilter(IOptions<AdminOptions> options, ILogger<AdminTokenFilter> logger) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    private readonly byte[]? _tokenHash = string.IsNullOrEmpty(options.Value.Token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (_tokenHash is null)
        {
            Log.AdminRefused(logger, http.Connection.RemoteIpAddress?.ToString(), "the admin API is off (Admin:Token not set)");
            return Refuse(StatusCodes.Status403Forbidden, "admin_disabled", "the admin API is off: set Admin:Token to enable it");
        }

        if (Authorized(http.Request.Headers.Authorization.ToString()))
        {
            return next(context);
        }

        Log.AdminRefused(logger, http.Connection.RemoteIpAddress?.ToString(), "missing or wrong bearer token");
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Refuse(StatusCodes.Status401Unauthorized, "unauthorized", "send Authorization: Bearer <Admin:Token>");
    }

    private bool Authorized(string header)
    {
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _tokenHash);
    }

    private static ValueTask<object?> Refuse(int status, string code, string message) =>
        ValueTask.FromResult<object?>(TypedResults.Json(new ErrorView(code, message), statusCode: status));
}
