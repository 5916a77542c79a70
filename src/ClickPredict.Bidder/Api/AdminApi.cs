using ClickPredict.Bidder.Diagnostics;
using ClickPredict.Bidder.Models;
using ClickPredict.Core.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClickPredict.Bidder.Api;

/// <summary>
/// <c>GET /admin/model</c> (the serving model, its lineage from the registry, what was refused) and
/// <c>POST /admin/model/rollback</c> (back to the previous model; the bidder keeps it until the
/// registry names a new champion). Both sit behind <see cref="AdminTokenFilter"/>:
/// <c>Authorization: Bearer {Admin:Token}</c>, compared in constant time; without a configured token the
/// admin API is off (403).
/// </summary>
internal static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter<AdminTokenFilter>();
        admin.MapGet("/model", GetModel);
        admin.MapPost("/model/rollback", Rollback);
        return app;
    }

    public static Ok<ModelView> GetModel(ModelHolder holder, ModelWatcher watcher) => TypedResults.Ok(View(holder, watcher));

    public static Results<Ok<ModelView>, Conflict<ErrorView>> Rollback(ModelHolder holder, ModelWatcher watcher, BidderMetrics metrics, ILoggerFactory loggers)
    {
        if (!holder.TryRollback(out var from, out var to))
        {
            return TypedResults.Conflict(new ErrorView("no_previous_model", "there is no previous model to roll back to"));
        }

        metrics.ModelSwapped("rollback");
        Log.RolledBack(loggers.CreateLogger(typeof(AdminApi).FullName!), from?.Label ?? "nothing", to!.Label);
        return TypedResults.Ok(View(holder, watcher));
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
}
