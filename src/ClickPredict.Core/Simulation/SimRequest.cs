using System.Buffers;
using System.Text.Json;

namespace ClickPredict.Core.Simulation;

/// <summary>
/// One simulated bid request (a single banner imp), as plain values. <see cref="ToJson"/> gives the
/// OpenRTB 2.6 body an exchange would POST; the simulator keeps the hidden facts that decide its CTR.
/// </summary>
public sealed class SimRequest
{
    internal SimRequest(SimInventory inventory, SimTag tag)
    {
        Inventory = inventory;
        Tag = tag;
    }

    internal SimInventory Inventory { get; }

    internal SimTag Tag { get; }

    internal int CountryIndex { get; init; }

    /// <summary>Stable key of <see cref="Exchange"/> for the hidden competition effects.</summary>
    internal uint ExchangeKey { get; init; }

    internal int OsIndex { get; init; }

    /// <summary>What the bidder's <c>user.known</c> field will say: 0 unknown, 1 known, 2 restricted.</summary>
    internal int UserState { get; init; }

    /// <summary>Sequence number in the simulator's stream (0-based).</summary>
    public long Sequence { get; init; }

    public required string Id { get; init; }

    public required DateTimeOffset Time { get; init; }

    public int AuctionType { get; init; } = 2;

    /// <summary>The exchange the request comes from (of its auction type). Not in the JSON: an exchange is known by the endpoint it calls.</summary>
    public required SimExchange Exchange { get; init; }

    public int TMax { get; init; } = 100;

    public string ImpId { get; init; } = "1";

    public string TagId => Tag.TagId;

    public int Width => Tag.W;

    public int Height => Tag.H;

    public int Position => Tag.Pos;

    public bool Interstitial => Tag.Interstitial;

    public double BidFloor { get; init; }

    public bool IsApp => Inventory.IsApp;

    /// <summary>The site's domain or the app's bundle.</summary>
    public string InventoryName => Inventory.Name;

    public string Category => Inventory.Category;

    public string PublisherId => Inventory.PublisherId;

    public string? Page { get; init; }

    public required string UserAgent { get; init; }

    public required string Ip { get; init; }

    public int DeviceType { get; init; }

    public required string Os { get; init; }

    public required string OsVersion { get; init; }

    public string? Make { get; init; }

    public string? Model { get; init; }

    public int ConnectionType { get; init; }

    public required string Language { get; init; }

    public required string Country { get; init; }

    public required string Region { get; init; }

    public required string City { get; init; }

    public string? UserId { get; init; }

    public string? BuyerUid { get; init; }

    public int Gdpr { get; init; }

    public string? Consent { get; init; }

    public int Coppa { get; init; }

    /// <summary>The OpenRTB 2.6 JSON body.</summary>
    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("id", Id);
        writer.WriteStartArray("imp");
        writer.WriteStartObject();
        writer.WriteString("id", ImpId);
        writer.WriteStartObject("banner");
        writer.WriteNumber("w", Width);
        writer.WriteNumber("h", Height);
        writer.WriteStartArray("format");
        writer.WriteStartObject();
        writer.WriteNumber("w", Width);
        writer.WriteNumber("h", Height);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteNumber("pos", Position);
        writer.WriteEndObject();
        writer.WriteString("tagid", TagId);
        if (Interstitial)
        {
            writer.WriteNumber("instl", 1);
        }

        writer.WriteNumber("secure", 1);
        writer.WriteNumber("bidfloor", BidFloor);
        writer.WriteString("bidfloorcur", "USD");
        writer.WriteEndObject();
        writer.WriteEndArray();

        writer.WriteStartObject(IsApp ? "app" : "site");
        writer.WriteString("id", IsApp ? "app-" + Inventory.Index : "site-" + Inventory.Index);
        if (IsApp)
        {
            writer.WriteString("bundle", InventoryName);
        }
        else
        {
            writer.WriteString("domain", InventoryName);
            if (Page is not null)
            {
                writer.WriteString("page", Page);
            }
        }

        writer.WriteStartArray("cat");
        writer.WriteStringValue(Category);
        writer.WriteEndArray();
        writer.WriteStartObject("publisher");
        writer.WriteString("id", PublisherId);
        writer.WriteEndObject();
        writer.WriteEndObject();

        writer.WriteStartObject("device");
        writer.WriteString("ua", UserAgent);
        writer.WriteString("ip", Ip);
        writer.WriteNumber("devicetype", DeviceType);
        writer.WriteString("os", Os);
        writer.WriteString("osv", OsVersion);
        if (Make is not null)
        {
            writer.WriteString("make", Make);
        }

        if (Model is not null)
        {
            writer.WriteString("model", Model);
        }

        writer.WriteNumber("connectiontype", ConnectionType);
        writer.WriteString("language", Language);
        writer.WriteStartObject("geo");
        writer.WriteString("country", Country);
        writer.WriteString("region", Region);
        writer.WriteString("city", City);
        writer.WriteEndObject();
        writer.WriteEndObject();

        if (UserId is not null || BuyerUid is not null || Consent is not null)
        {
            writer.WriteStartObject("user");
            if (UserId is not null)
            {
                writer.WriteString("id", UserId);
            }

            if (BuyerUid is not null)
            {
                writer.WriteString("buyeruid", BuyerUid);
            }

            if (Consent is not null)
            {
                writer.WriteString("consent", Consent);
            }

            writer.WriteEndObject();
        }

        writer.WriteStartObject("regs");
        writer.WriteNumber("coppa", Coppa);
        writer.WriteNumber("gdpr", Gdpr);
        writer.WriteEndObject();

        writer.WriteNumber("at", AuctionType);
        writer.WriteNumber("tmax", TMax);
        writer.WriteStartArray("cur");
        writer.WriteStringValue("USD");
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
