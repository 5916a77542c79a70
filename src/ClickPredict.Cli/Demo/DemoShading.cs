using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClickPredict.Bidder.Hosting;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// The first-price side of the live run as the exchange saw it: our first-price bids, the auctions won and
/// lost (each loss told to a bidder by its <c>lurl</c>, with the minimum bid to win where the simulated
/// exchange reports it), what the wins cost, and what they were worth: the hidden true CTR times the
/// campaign's value per click, the figure the bidder's shading is meant to leave the most of after paying.
/// </summary>
internal sealed class DemoShading
{
    private readonly Dictionary<string, decimal> _valuePerClick;
    private readonly Lock _gate = new();
    private long _bids;
    private long _wins;
    private long _lossNotices;
    private long _lossNoticesRefused;
    private decimal _spendUsd;
    private double _valueUsd;

    public DemoShading(IReadOnlyDictionary<string, decimal> valuePerClick) =>
        _valuePerClick = new Dictionary<string, decimal>(valuePerClick, StringComparer.Ordinal);

    /// <summary>Each campaign's value per click, from the shipped campaigns file (a <c>--budget-usd</c> copy changes only budgets).</summary>
    public static Dictionary<string, decimal> ValuesPerClick()
    {
        var path = BidderApplication.DefaultCampaignsPath(Directory.GetCurrentDirectory());
        var values = new Dictionary<string, decimal>(StringComparer.Ordinal);
        try
        {
            foreach (var advertiser in JsonNode.Parse(File.ReadAllText(path))?["advertisers"]?.AsArray() ?? [])
            {
                foreach (var campaign in advertiser?["campaigns"]?.AsArray() ?? [])
                {
                    if (campaign?["id"]?.GetValue<string>() is { } id && campaign["valuePerClickUsd"] is { } value)
                    {
                        values[id] = value.GetValue<decimal>();
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            throw new CliException($"cannot read the campaigns {path} for the demo's shading figures: {e.Message}");
        }

        return values;
    }

    public void Bid()
    {
        lock (_gate)
        {
            _bids++;
        }
    }

    /// <summary>A first-price win at <paramref name="priceCpm"/> (paid) of an impression whose true CTR is <paramref name="trueCtr"/>.</summary>
    public void Won(string campaign, decimal priceCpm, double trueCtr)
    {
        var value = trueCtr * (double)_valuePerClick.GetValueOrDefault(campaign);
        lock (_gate)
        {
            _wins++;
            _spendUsd += priceCpm / 1000m;
            _valueUsd += value;
        }
    }

    /// <summary>A loss notice sent; <paramref name="accepted"/> when the bidder took it.</summary>
    public void LossNotice(bool accepted)
    {
        lock (_gate)
        {
            _lossNotices++;
            _lossNoticesRefused += accepted ? 0 : 1;
        }
    }

    /// <summary>The figures, with what the bidder said prices its first-price bids at the end and how many win-rate models were published.</summary>
    public ShadingSummary Summary(string? pricedBy, string? model, int modelsPublished)
    {
        lock (_gate)
        {
            return new ShadingSummary
            {
                FirstPriceBids = _bids,
                Wins = _wins,
                LossNotices = _lossNotices,
                LossNoticesRefused = _lossNoticesRefused,
                SpendUsd = decimal.Round(_spendUsd, 6),
                ValueWonUsd = Math.Round(_valueUsd, 6),
                SurplusUsd = Math.Round(_valueUsd - (double)_spendUsd, 6),
                PricedBy = pricedBy,
                WinRateModel = model,
                WinRateModelsPublished = modelsPublished,
            };
        }
    }

    /// <summary>What a bidder's <c>/status.json</c> says prices first-price bids and which win-rate model it serves (nulls when it cannot be read).</summary>
    public static async Task<(string? PricedBy, string? Model)> ReadBidderAsync(HttpClient bidder, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await bidder.GetAsync("/status.json", cancellationToken).ConfigureAwait(false);
            using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
            if (!document.RootElement.TryGetProperty("winRate", out var w))
            {
                return (null, null);
            }

            return (w.TryGetProperty("pricedBy", out var by) ? by.GetString() : null, w.TryGetProperty("label", out var label) ? label.GetString() : null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>A loss notice URL with the reason (102, lost to a higher bid) and the minimum bid to win, or empty when not reported.</summary>
    public static string LossUrl(string lurl, decimal? minToWin) => lurl
        .Replace("${AUCTION_LOSS}", "102", StringComparison.Ordinal)
        .Replace("${AUCTION_MIN_TO_WIN}", minToWin?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, StringComparison.Ordinal);
}
