using System.Security.Cryptography;
using System.Text;
using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Models;
using ClickPredict.Bidder.Options;
using ClickPredict.Core.Registry;
using Microsoft.Extensions.Options;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// <c>GET /admin/model</c> (the serving model, its lineage from the registry, what was refused) and
/// <c>POST /admin/model/rollback</c> (back to the previous model; the bidder keeps it until the
/// registry names a new champion). Both need <c>Authorization: Bearer {Admin:Token}</c>, compared in
/// constant time; without a configured token the admin API is off (403).
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var token = services.GetRequiredService<IOptions<AdminOptions>>().Value.Token;
        var guard = new AdminGuard(token, services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminApi).FullName!));
        var holder = services.GetRequiredService<ModelHolder>();
        var watcher = services.GetRequiredService<ModelWatcher>();
        var metrics = services.GetRequiredService<BidderMetrics>();

        app.MapGet("/admin/model", http => GetModel(http, guard, holder, watcher));
        app.MapPost("/admin/model/rollback", http => Rollback(http, guard, holder, watcher, metrics));
        return app;
    }

    private static Task GetModel(HttpContext http, AdminGuard guard, ModelHolder holder, ModelWatcher watcher)
    {
        if (guard.Refuse(http) is { } refusal)
        {
            return refusal;
        }

        return http.Response.WriteAsJsonAsync(View(holder, watcher), AdminJsonContext.Default.ModelView);
    }

    private static Task Rollback(HttpContext http, AdminGuard guard, ModelHolder holder, ModelWatcher watcher, BidderMetrics metrics)
    {
        if (guard.Refuse(http) is { } refusal)
        {
            return refusal;
        }

        if (!holder.TryRollback(out var from, out var to))
        {
            return ErrorBody.WriteAsync(http, 409, "no_previous_model", "there is no previous model to roll back to");
        }

        metrics.ModelSwapped("rollback");
        Log.RolledBack(guard.Logger, from?.Label ?? "nothing", to!.Label);
        return http.Response.WriteAsJsonAsync(View(holder, watcher), AdminJsonContext.Default.ModelView);
    }

    internal static ModelView View(ModelHolder holder, ModelWatcher watcher)
    {
        RegistryIndex? index = null;
        string? registryError = null;
        try
        {
            index = watcher.Registry.ReadIndex();
        }
        catch (RegistryException e)
        {
            registryError = e.Message;
        }

        var current = holder.Current;
        var lineage = new List<RegistryEntry>();
        if (index is not null && current is not null)
        {
            // Walk parent links from the serving model back as far as the registry still holds them.
            var label = current.Label;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (label is not null && seen.Add(label) && index.Find(label) is { } entry)
            {
                lineage.Add(entry);
                label = entry.Parent;
            }
        }

        return new ModelView
        {
            Serving = current is null ? null : Describe(current),
            Previous = [.. holder.History.Select(m => m.Label)],
            Registry = new RegistryView
            {
                Path = watcher.RegistryDirectory,
                Champion = index?.Champion,
                Revision = index?.Revision,
                Error = registryError,
            },
            Lineage = lineage,
            Refused = holder.Refusals,
            LastRefusal = holder.LastRefusal is { } r ? new RefusalView { Label = r.Label, Path = r.Path, Reason = r.Reason, AtUtc = r.AtUtc } : null,
        };
    }

    private static ServingView Describe(ServingModel m) => new()
    {
        Label = m.Label,
        ModelId = m.Model.Info.ModelId,
        Version = m.Version,
        Parent = m.Model.Info.Parent,
        Source = m.Source == ModelSource.Registry ? "registry" : "default-file",
        Path = m.Path,
        Algorithm = m.Model.Info.Algorithm,
        SpecName = m.Model.Spec.Name,
        SpecFingerprint = m.Model.Spec.FingerprintHex,
        HashBits = m.Model.Spec.HashBits,
        NonZeroWeights = m.Model.NonZeroCount,
        CreatedUtc = m.Model.Info.CreatedUtc,
        LoadedUtc = m.LoadedUtc,
        Metrics = m.Model.Info.Metrics,
    };

    /// <summary>Bearer-token check in constant time: both sides are hashed first, so even lengths do not leak.</summary>
    private sealed class AdminGuard(string? token, ILogger logger)
    {
        private readonly byte[]? _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

        public ILogger Logger => logger;

        /// <summary>Null when the request may proceed; otherwise the refusal being written.</summary>
        public Task? Refuse(HttpContext http)
        {
            if (_tokenHash is null)
            {
                Log.AdminRefused(logger, http.Connection.RemoteIpAddress?.ToString(), "the admin API is off (Admin:Token not set)");
                return ErrorBody.WriteAsync(http, 403, "admin_disabled", "the admin API is off: set Admin:Token to enable it");
            }

            var header = http.Request.Headers.Authorization.ToString();
            const string Scheme = "Bearer ";
            if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            {
                var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
                if (CryptographicOperations.FixedTimeEquals(given, _tokenHash))
                {
                    return null;
                }
            }

            Log.AdminRefused(logger, http.Connection.RemoteIpAddress?.ToString(), "missing or wrong bearer token");
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ErrorBody.WriteAsync(http, 401, "unauthorized", "send Authorization: Bearer <Admin:Token>");
        }
    }
}
