using ClickPredict.Bidder.Campaigns;
using ClickPredict.Core.Features;
using ClickPredict.Core.Model;
using ClickPredict.Core.OpenRtb;
using ClickPredict.Core.Registry;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Bidder.Models;

/// <summary>
/// Decides whether a loaded model may serve. <see cref="ModelFile"/> has already checked the file
/// (magic, version, checksum, its own spec's fingerprint, finite weights); this checks that the model
/// fits this bidder: OpenRTB schema, the expected feature-spec fingerprint when one is configured,
/// the registry entry's fingerprint, and sane scores on canary requests: simulated traffic against
/// the real campaigns, every pCTR finite and within [0, 1], and their mean within the configured band.
/// </summary>
internal sealed class ModelValidator
{
    private const int CanarySeed = 20_260_101;

    private readonly BidRequest[] _canaries;
    private readonly CampaignCatalog _catalog;
    private readonly string? _expectedFingerprint;
    private readonly double _minMean;
    private readonly double _maxMean;

    public ModelValidator(CampaignCatalog catalog, int canaryCount, string? expectedFingerprint, double minMean, double maxMean)
    {
        _catalog = catalog;
        _expectedFingerprint = string.IsNullOrEmpty(expectedFingerprint) ? null : expectedFingerprint.ToLowerInvariant();
        _minMean = minMean;
        _maxMean = maxMean;
        var simulator = new TrafficSimulator(new SimulatorOptions { Seed = CanarySeed });
        _canaries = new BidRequest[canaryCount];
        for (var i = 0; i < canaryCount; i++)
        {
            _canaries[i] = new BidRequest();
            BidRequestParser.Parse(simulator.Next().ToJson(), _canaries[i]);
        }
    }

    /// <summary>Null when <paramref name="model"/> may serve; otherwise why not.</summary>
    public string? Check(LogisticModel model, RegistryEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!string.Equals(model.Spec.Schema.Name, FieldSchema.OpenRtb.Name, StringComparison.Ordinal))
        {
            return $"its feature spec reads the '{model.Spec.Schema.Name}' schema; the bidder extracts 'openrtb' fields";
        }

        var fingerprint = model.Spec.FingerprintHex;
        if (_expectedFingerprint is not null && !string.Equals(fingerprint, _expectedFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return $"feature-spec fingerprint {fingerprint} is not the expected {_expectedFingerprint} (Registry:ExpectedSpecFingerprint)";
        }

        if (entry is not null && entry.SpecFingerprint.Length > 0 && !string.Equals(entry.SpecFingerprint, fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            return $"the file's feature-spec fingerprint {fingerprint} differs from the registry entry's {entry.SpecFingerprint}";
        }

        if (entry is not null && (entry.ModelId != model.Info.ModelId || entry.Version != model.Info.Version))
        {
            return $"the file holds {model.Info.Label}, not the registry entry's {entry.Label}";
        }

        return CheckCanaries(model);
    }

    private string? CheckCanaries(LogisticModel model)
    {
        var values = new FieldValues(FieldSchema.OpenRtb);
        var candidates = new AdCandidate[_catalog.Creatives.Length];
        var pctrs = new double[candidates.Length];
        double sum = 0;
        long count = 0;
        foreach (var request in _canaries)
        {
            var imp = request.Imp(0);
            var fitting = _catalog.OfSize(imp.BannerW ?? 0, imp.BannerH ?? 0);
            var n = 0;
            if (fitting.IsEmpty)
            {
                foreach (var creative in _catalog.Creatives)
                {
                    candidates[n++] = creative.Candidate;
                }
            }
            else
            {
                foreach (var creative in fitting)
                {
                    candidates[n++] = creative.Candidate;
                }
            }

            OpenRtbScorer.Score(model, request, 0, DateTimeOffset.UnixEpoch.AddDays(20_000), "sim"u8, candidates.AsSpan(0, n), values, pctrs);
            for (var i = 0; i < n; i++)
            {
                var p = pctrs[i];
                if (!double.IsFinite(p) || p is < 0 or > 1)
                {
                    return $"canary request {request.GetString(request.Id)} scored {p} for {candidates[i].CreativeId}";
                }

                sum += p;
                count++;
            }
        }

        var mean = count == 0 ? 0 : sum / count;
        if (mean < _minMean || mean > _maxMean)
        {
            return FormattableString.Invariant($"canary requests' mean pCTR {mean:G4} is outside [{_minMean}, {_maxMean}] (Registry:CanaryMinMeanPctr/CanaryMaxMeanPctr)");
        }

        return null;
    }
}
