namespace ClickPredict.Bidder.Options;

/// <summary>
/// The bid endpoint's settings: config section <c>Bidder</c> (environment variables override, e.g.
/// <c>Bidder__FirstPriceShading</c>). Validated at start by <see cref="BidderOptionsValidator"/>: a bad
/// value stops start-up with a message naming its key.
/// </summary>
public sealed class BidderOptions
{
    public const string SectionName = "Bidder";

    /// <summary><c>Bidder:CampaignsPath</c>: the campaigns file, relative to the repository root. Default <c>config/campaigns.json</c>.</summary>
    public string CampaignsPath { get; set; } = "config/campaigns.json";

    /// <summary>The longest <see cref="PublicBaseUrl"/> accepted: each bid's URLs are assembled in a fixed stack buffer.</summary>
    public const int MaxPublicBaseUrlLength = 256;

    /// <summary>
    /// <c>Bidder:PublicBaseUrl</c>: the absolute http(s) URL exchanges and browsers reach this bidder at;
    /// win, billing, loss and click URLs start with it. At most 256 characters. Default <c>http://127.0.0.1:5080</c>.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary><c>Bidder:Seat</c>: our seat id in responses. Default <c>clickpredict</c>.</summary>
    public string Seat { get; set; } = "clickpredict";

    /// <summary><c>Bidder:DefaultExchange</c>: the exchange <c>/openrtb2/bid</c> serves (one of <see cref="Exchanges"/>). Default <c>sim</c>.</summary>
    public string DefaultExchange { get; set; } = "sim";

    /// <summary>
    /// <c>Bidder:Exchanges</c>: the exchanges we trade with, by name; each also gets
    /// <c>/openrtb2/{name}/bid</c>. The name is the <c>exchange</c> feature's value.
    /// </summary>
    public Dictionary<string, ExchangeOptions> Exchanges { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Bidder:DefaultTMaxMs</c>: the auction window assumed when a request has no <c>tmax</c>. Default 100.</summary>
    public int DefaultTMaxMs { get; set; } = 100;

    /// <summary><c>Bidder:NetworkAllowanceMs</c>: what <c>tmax</c> leaves for the network; deadline = receipt + tmax - this. Default 20.</summary>
    public int NetworkAllowanceMs { get; set; } = 20;

    /// <summary><c>Bidder:FirstPriceShading</c>: first-price bids are the expected value times this, in (0, 1]. Default 0.8.</summary>
    public decimal FirstPriceShading { get; set; } = 0.8m;

    /// <summary>
    /// <c>Bidder:FxRates</c>: units of a currency per US dollar (<c>"EUR": 0.92</c>), for floors and
    /// bids in currencies other than USD. Empty by default: only USD is traded.
    /// </summary>
    public Dictionary<string, decimal> FxRates { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Bidder:PacingHeadroomMinutes</c>: even pacing lets a campaign spend this much of the day ahead of the clock. Default 60.</summary>
    public int PacingHeadroomMinutes { get; set; } = 60;

    /// <summary>
    /// <c>Bidder:MaxBodyBytes</c>: largest request body, before and after gzip (413 beyond). Default 65536.
    /// Kestrel's own limit is 16 times this (at least 1 MiB): a refused body up to there is drained so the
    /// client reads its 413; a larger one gets the connection closed.
    /// </summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary><c>Bidder:MaxHeaderBytes</c>: largest total of request headers (Kestrel answers 431 beyond). Default 16384.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;

    /// <summary><c>Bidder:MaxHeaderCount</c>: most request headers (Kestrel answers 431 beyond). Default 64.</summary>
    public int MaxHeaderCount { get; set; } = 64;

    /// <summary>
    /// <c>Bidder:LogEvents</c>: log bids, impressions and clicks to Kafka (<c>Kafka:*</c>). Default true;
    /// false runs the bidder without event logging (nothing to learn from: for load tests and emergencies).
    /// </summary>
    public bool LogEvents { get; set; } = true;

    /// <summary>
    /// <c>Bidder:EventBatchBytes</c>: bid events of one partition go to Kafka together, in one message of up
    /// to this many bytes (before padding, at most an eighth more), which the trainer's joiner splits again.
    /// 0 sends each bid event as a message of its own. Default 32768.
    /// </summary>
    public int EventBatchBytes { get; set; } = 32 * 1024;

    /// <summary><c>Bidder:EventFlushMs</c>: how often bid events are handed to Kafka: the longest a bid event waits. Default 10.</summary>
    public int EventFlushMs { get; set; } = 10;

    /// <summary>
    /// <c>Bidder:EventBufferKb</c>: per thread that bids, the buffer its bid events wait in until they are
    /// handed to Kafka (rounded up to a power of two); a full buffer drops events, counted. Default 1024.
    /// </summary>
    public int EventBufferKb { get; set; } = 1024;

    /// <summary>
    /// <c>Bidder:InlineScheduling</c>: run each request on the socket event thread that read it instead of
    /// handing it to the thread pool (Kestrel's <c>UnsafePreferInlineScheduling</c>, and in the bidder's own
    /// process the runtime's inline socket completions, see <see cref="Hosting.InlineSockets"/>). No thread
    /// hand-off per request: half the CPU per request and a shorter tail (docs/BENCHMARKS.md). Safe because
    /// nothing on the bidder's request paths blocks. Default true.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary><c>Bidder:GzipResponses</c>: gzip bid responses when the exchange accepts it. Default true.</summary>
    public bool GzipResponses { get; set; } = true;

    /// <summary><c>Bidder:GzipMinBytes</c>: smaller responses go out uncompressed. Default 512.</summary>
    public int GzipMinBytes { get; set; } = 512;
}

/// <summary>One exchange: <c>Bidder:Exchanges:{name}</c>.</summary>
public sealed class ExchangeOptions
{
    /// <summary>
    /// <c>Bidder:Exchanges:{name}:NoBidStatus</c>: 204 (empty body, the default) or 200 with
    /// <c>{"id":..,"seatbid":[],"nbr":N}</c>, for exchanges that want a no-bid reason.
    /// </summary>
    public int NoBidStatus { get; set; } = 204;
}
