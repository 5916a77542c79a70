using System.Text;

namespace ClickPredict.Bidder.Bidding;

/// <summary>
/// The currencies we bid and read floors in: US dollars, plus those <c>Bidder:FxRates</c> gives a
/// rate for (units per US dollar). Lookups compare UTF-8 bytes, so a request's codes are never
/// turned into strings.
/// </summary>
internal sealed class CurrencyTable
{
    private readonly Currency[] _currencies;

    public CurrencyTable(IReadOnlyDictionary<string, decimal> ratesPerUsd)
    {
        var list = new List<Currency> { Currency.Usd };
        foreach (var (code, rate) in ratesPerUsd)
        {
            if (!string.Equals(code, "USD", StringComparison.Ordinal))
            {
                list.Add(new Currency(code, rate));
            }
        }

        _currencies = [.. list];
    }

    /// <summary>The currency <paramref name="code"/> names; USD when empty (OpenRTB's default).</summary>
    public Currency? Find(ReadOnlySpan<byte> code)
    {
        if (code.IsEmpty)
        {
            return Currency.Usd;
        }

        foreach (var c in _currencies)
        {
            if (code.SequenceEqual(c.CodeUtf8))
            {
                return c;
            }
        }

        return null;
    }

    public Currency? Find(string code) => Find(Encoding.UTF8.GetBytes(code));
}

/// <summary>A currency we trade: its ISO code and how many units buy one US dollar.</summary>
internal sealed class Currency
{
    public Currency(string code, decimal perUsd)
    {
        Code = code;
        CodeUtf8 = Encoding.UTF8.GetBytes(code);
        PerUsd = perUsd;
    }

    public static Currency Usd { get; } = new("USD", 1m);

    public string Code { get; }

    public byte[] CodeUtf8 { get; }

    public decimal PerUsd { get; }
}
