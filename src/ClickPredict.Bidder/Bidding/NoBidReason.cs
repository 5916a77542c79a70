namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// Why a request got no bid. Imp-level reasons are ordered by how far the imp got: when no imp bids,
/// the response reports the furthest (a floor we could not clear says more than a size we lack).
/// </summary>
internal enum NoBidReason : byte
{
    None = 0,

    /// <summary>The handler failed unexpectedly (a bug): OpenRTB 1, technical error.</summary>
    TechnicalError,

    /// <summary>No model is loaded yet: OpenRTB 1, technical error.</summary>
    NoModel,

    /// <summary>Today's fleet spend is still being read back (start-up): OpenRTB 1, technical error.</summary>
    SpendUnknown,

    /// <summary>The auction's deadline (receipt + tmax - network allowance) passed: OpenRTB 15.</summary>
    Deadline,

    /// <summary>The user agent is a known crawler: OpenRTB 3.</summary>
    KnownCrawler,

    /// <summary><c>cur</c> lists no currency we bid in.</summary>
    CurrencyUnsupported,

    /// <summary>No imp has a banner (we serve banners only).</summary>
    UnsupportedImp,

    /// <summary>The imp's <c>bidfloorcur</c> is a currency we have no rate for.</summary>
    FloorCurrencyUnsupported,

    /// <summary>The imp is a private auction (deals only) and we hold no deal.</summary>
    PrivateAuction,

    /// <summary>No creative has an offered size.</summary>
    NoMatchingSize,

    /// <summary>Every fitting creative has a blocked attribute or type (<c>battr</c>, <c>btype</c>).</summary>
    CreativeBlocked,

    /// <summary>Every fitting campaign's advertiser, category or app is blocked (<c>badv</c>, <c>bcat</c>, <c>bapp</c>).</summary>
    AdvertiserBlocked,

    /// <summary>No fitting campaign targets this geo, device or site.</summary>
    NotTargeted,

    /// <summary>Every fitting campaign is ahead of its even pacing.</summary>
    Paced,

    /// <summary>Every fitting campaign has spent its daily budget.</summary>
    BudgetExhausted,

    /// <summary>No fitting creative's price clears the floor.</summary>
    BelowFloor,
}

/// <summary>What each reason is called in metrics and which OpenRTB no-bid code (<c>nbr</c>) it answers with.</summary>
internal static class NoBidReasons
{
    private static readonly string[] s_names =
    [
        "none", "technical_error", "no_model", "spend_unknown", "deadline", "known_crawler", "currency_unsupported", "unsupported_imp",
        "floor_currency_unsupported", "private_auction", "no_matching_size", "creative_blocked", "advertiser_blocked",
        "not_targeted", "paced", "budget_exhausted", "below_floor",
    ];

    /// <summary>The metric tag value (a static string: tagging allocates nothing).</summary>
    public static string Name(NoBidReason reason) => s_names[(int)reason];

    /// <summary>
    /// The OpenRTB 2.x / 3.0 no-bid reason code. The list has codes for technical errors, crawlers and
    /// late answers; for the business reasons (floor, budget, targeting) it has none, so those send 0
    /// ("unknown error") and the precise reason goes to the metrics.
    /// </summary>
    public static int OpenRtbCode(NoBidReason reason) => reason switch
    {
        NoBidReason.TechnicalError or NoBidReason.NoModel or NoBidReason.SpendUnknown => 1,
        NoBidReason.KnownCrawler => 3,
        NoBidReason.Deadline => 15,
        _ => 0,
    };

    public static IReadOnlyList<string> All => s_names;
}
