using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Cli.Demo;

/// <summary>
/// The simulated exchange and its users, against the bidders over HTTP on 127.0.0.1: sends the
/// simulator's OpenRTB requests at a fixed rate, spread over the bidders that are up
/// (<see cref="DemoBidders"/>); when a bidder bids, runs the auction against the best of a few competing
/// bids drawn by the simulator (second price unless the request says first), calls the win notice with
/// the clearing price at any bidder (and a share of them a second time, at another: a replay), and lets
/// the user click the ad with the hidden true CTR of the creative the bidder chose, following the click
/// URL in its markup.
/// </summary>
internal sealed class DemoTraffic : IDisposable
{
    /// <summary>Auctions in flight at most; beyond it a request is skipped and counted (the client fell behind).</summary>
    public const int MaxInFlight = 64;

    /// <summary>Other bidders in each auction; each bids a price the simulator draws for the impression.</summary>
    public const int CompetingBidders = 8;

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly TrafficSimulator _simulator;
    private readonly DemoBidders _bidders;
    private readonly DemoTally _tally;
    private readonly Dictionary<string, SimCreative> _creatives;
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);
    private readonly TimeProvider _time;
    private readonly double _replayShare;
    private readonly Random _replays;

    /// <summary>Traffic to one bidder at <paramref name="http"/>, no replayed notices.</summary>
    public DemoTraffic(TrafficSimulator simulator, HttpClient http, DemoTally tally, TimeProvider? time = null)
        : this(simulator, new DemoBidders([http]), tally, replayShare: 0, seed: 0, time)
    {
    }

    /// <param name="simulator">The market.</param>
    /// <param name="bidders">The bidders behind the exchange's load balancer.</param>
    /// <param name="tally">What the exchange and its users saw.</param>
    /// <param name="replayShare">Share of win notices sent a second time, to another bidder.</param>
    /// <param name="seed">Seed of the replay draws.</param>
    /// <param name="time">The pacing's clock.</param>
    public DemoTraffic(TrafficSimulator simulator, DemoBidders bidders, DemoTally tally, double replayShare, int seed, TimeProvider? time = null)
    {
        _simulator = simulator;
        _bidders = bidders;
        _tally = tally;
        _replayShare = replayShare;
        _replays = new Random(seed);
        _time = time ?? TimeProvider.System;
        _creatives = simulator.Creatives.ToDictionary(c => c.CreativeId, StringComparer.Ordinal);
    }

    /// <summary>The first-price auctions' figures (set by the runner; null: not kept, and no loss notices sent).</summary>
    public DemoShading? Shading { get; init; }

    /// <summary>Creatives the bidder bid with that the simulated market does not know (none, with the shipped campaigns).</summary>
    public long UnknownCreatives => Interlocked.Read(ref _unknownCreatives);

    private long _unknownCreatives;

    /// <summary>Sends <paramref name="qps"/> requests a second until <paramref name="duration"/> has passed or the token fires, then waits for the auctions in flight.</summary>
    public async Task RunAsync(int qps, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = _time.GetTimestamp();
        long sent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // One reading of the clock per request: read twice, the wait could come out negative (Task.Delay refuses that).
            var elapsed = _time.GetElapsedTime(start);
            if (elapsed >= duration)
            {
                break;
            }

            var wait = TimeSpan.FromSeconds((double)sent / qps) - elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            sent++;
            if (!_slots.Wait(0, CancellationToken.None))
            {
                _tally.Skipped();
                continue;
            }

            SimRequest request;
            lock (_simulator)
            {
                request = _simulator.Next();
            }

            _ = Task.Run(() => AuctionAsync(request), CancellationToken.None);
        }

        // The auctions in flight finish (each holds a slot until it does).
        for (var i = 0; i < MaxInFlight; i++)
        {
            await _slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _slots.Release(MaxInFlight);
    }

    public void Dispose() => _slots.Dispose();

    private async Task AuctionAsync(SimRequest request)
    {
        try
        {
            await RunAuctionAsync(request).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            _tally.Error();
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RunAuctionAsync(SimRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        HttpStatusCode status;
        byte[] body;
        using (var lease = _bidders.Next())
        {
            if (lease is null)
            {
                // Every bidder is down (a one-bidder fleet restarting): the exchange's request goes unanswered.
                _tally.Skipped();
                return;
            }

            using var content = new ByteArrayContent(request.ToJson());
            content.Headers.ContentType = Json;
            using var response = await lease.Client.PostAsync("/openrtb2/bid", content).ConfigureAwait(false);
            status = response.StatusCode;
            body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        }

        var latencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (status == HttpStatusCode.NoContent)
        {
            _tally.Request(latencyMs, bid: false);
            return;
        }

        if (status != HttpStatusCode.OK)
        {
            _tally.Error();
            return;
        }

        _tally.Request(latencyMs, bid: true);
        using var document = JsonDocument.Parse(body);
        var bid = document.RootElement.GetProperty("seatbid")[0].GetProperty("bid")[0];
        var price = bid.GetProperty("price").GetDecimal();
        var campaign = bid.GetProperty("cid").GetString() ?? string.Empty;
        _tally.Bid(campaign, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        // The exchange has other bidders: the best of their bids is what ours must beat.
        var market = 0m;
        lock (_simulator)
        {
            for (var i = 0; i < CompetingBidders; i++)
            {
                market = Math.Max(market, _simulator.SampleMarketPrice(request));
            }
        }

        var firstPrice = request.AuctionType == 1 && Shading is not null;
        // An exchange that reports it (OpenRTB 2.6): the minimum bid to win, here the best competing bid.
        decimal? minToWin = request.Exchange.ReportsMinToWin ? market : null;
        if (firstPrice)
        {
            Shading!.Bid();
        }

        if (price <= market)
        {
            _tally.Lost();
            if (firstPrice)
            {
                using var lease = _bidders.Any();
                if (lease is not null)
                {
                    using var loss = await lease.Client.GetAsync(Local(DemoShading.LossUrl(bid.GetProperty("lurl").GetString()!, minToWin))).ConfigureAwait(false);
                    Shading!.LossNotice(loss.IsSuccessStatusCode);
                }
            }

            return;
        }

        // Second price: the winner pays the best competing bid (the floor at least); first price: its own bid.
        var clearing = request.AuctionType == 1 ? price : Math.Max(market, (decimal)request.BidFloor);
        var win = Local(bid.GetProperty("nurl").GetString()!
            .Replace("${AUCTION_PRICE}", clearing.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("${AUCTION_MIN_TO_WIN}", firstPrice && minToWin is { } shown ? shown.ToString(CultureInfo.InvariantCulture) : string.Empty, StringComparison.Ordinal));
        var noticeTo = await NoticeAsync(win, replayOf: -1).ConfigureAwait(false);
        if (noticeTo < 0)
        {
            _tally.Error();
            return;
        }

        var winMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _tally.NoticeDelay(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (!_creatives.TryGetValue(bid.GetProperty("crid").GetString() ?? string.Empty, out var creative))
        {
            Interlocked.Increment(ref _unknownCreatives);
            return;
        }

        // The exchange books the impression as soon as the notice is taken, before anything else happens to it.
        var trueCtr = _simulator.TrueCtr(request, creative);
        bool clicked;
        lock (_simulator)
        {
            clicked = _simulator.SampleClick(trueCtr);
        }

        _tally.Won(winMs, clearing, trueCtr, clicked, campaign);
        if (firstPrice)
        {
            Shading!.Won(campaign, price, trueCtr);
        }

        if (Replay())
        {
            await NoticeAsync(win, replayOf: noticeTo).ConfigureAwait(false);
        }

        if (clicked)
        {
            using var lease = _bidders.Any();
            if (lease is null)
            {
                return;
            }

            using var click = await lease.Client.GetAsync(Local(ClickUrl(bid.GetProperty("adm").GetString()!))).ConfigureAwait(false);
            if (click.StatusCode != HttpStatusCode.Redirect)
            {
                _tally.Error();
            }
        }
    }

    /// <summary>
    /// Calls the win notice at any bidder up (the first time) or at another than <paramref name="replayOf"/>'s
    /// (a replay, counted with its answer: refused as a replay, or taken by a bidder that had not yet read the
    /// first one back). Returns the bidder that took the first notice, or -1 when it was refused or none was up.
    /// </summary>
    private async Task<int> NoticeAsync(string url, int replayOf)
    {
        using var lease = _bidders.Any(except: replayOf);
        if (lease is null)
        {
            return -1;
        }

        using var notice = await lease.Client.GetAsync(url).ConfigureAwait(false);
        if (replayOf >= 0)
        {
            _tally.Replayed(notice.StatusCode);
            return replayOf;
        }

        _tally.NoticeSent();
        return notice.IsSuccessStatusCode ? lease.Slot : -1;
    }

    private bool Replay()
    {
        if (_replayShare <= 0)
        {
            return false;
        }

        lock (_replays)
        {
            return _replays.NextDouble() < _replayShare;
        }
    }

    /// <summary>The click URL in the ad markup, as a browser reads the href.</summary>
    private static string ClickUrl(string adm)
    {
        var start = adm.IndexOf("href=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            throw new FormatException("ad markup without a link");
        }

        start += 6;
        return WebUtility.HtmlDecode(adm[start..adm.IndexOf('"', start)]);
    }

    /// <summary>The path and query of one of the bidder's absolute URLs, sent to the client's base address.</summary>
    private static string Local(string url) => new Uri(url).PathAndQuery;
}
