using System.Buffers;
using System.Buffers.Text;
using ClickPredict.Bidder.Bidding;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using MessagePack;

namespace ClickPredict.Bidder.Events;

/// <summary>
/// Writes a <see cref="BidEvent"/> in MessagePack straight from the request's field values, without
/// building the object and its dictionary of strings: the same bytes <see cref="EventSerializer"/>
/// writes for the contract (an array of its 22 keys, the price as MessagePack-CSharp writes a
/// decimal: its invariant text), which the trainer reads back with <see cref="EventSerializer"/>.
/// The fields map is written when the bid is placed (<see cref="WriteFields"/>, from the values its imp
/// was scored with) and copied into the event as it is (<see cref="Write"/>).
/// </summary>
internal static class BidEventWriter
{
    private const int BidEventKeys = 22;

    /// <summary>Writes the event of <paramref name="bid"/>, its fields from <see cref="BidContext.EventFields"/>.</summary>
    public static void Write(IBufferWriter<byte> output, BidContext ctx, in PlacedBid bid)
    {
        var request = ctx.Request;
        var model = ctx.Model!;
        var creative = bid.Creative;
        scoped var w = new MessagePackWriter(output);
        Span<byte> hex = stackalloc byte[BidIds.HexLength];
        BidIds.Format(bid.Id, hex);

        w.WriteArrayHeader(BidEventKeys);
        w.WriteString(hex);                                              // 0 BidId
        w.WriteString(request.Text(request.Id));                         // 1 RequestId
        w.WriteString(request.Text(request.Imp(bid.ImpIndex).Id));       // 2 ImpId
        w.Write(ctx.ReceivedUtc.ToUnixTimeMilliseconds());               // 3 TimeUnixMs
        w.WriteString(ctx.Exchange.NameUtf8);                            // 4 Exchange
        w.WriteString(model.ModelIdUtf8);                                // 5 ModelId
        w.Write(model.Version);                                          // 6 ModelVersion
        w.WriteString(model.FingerprintUtf8);                            // 7 SpecFingerprint
        w.Write(bid.Pctr);                                               // 8 PCtr
        Span<byte> price = stackalloc byte[32];
        Utf8Formatter.TryFormat(bid.Price, price, out var priceLength);
        w.WriteString(price[..priceLength]);                             // 9 PriceCpm (decimal as text)
        w.WriteString(ctx.BidCurrency.CodeUtf8);                         // 10 Currency
        w.Write(request.AuctionType);                                    // 11 AuctionType
        w.WriteString(creative.Campaign.IdUtf8);                         // 12 CampaignId
        w.WriteString(creative.IdUtf8);                                  // 13 CreativeId
        w.WriteString(creative.Campaign.Advertiser.IdUtf8);              // 14 AdvertiserId
        w.WriteString("openrtb"u8);                                      // 15 Schema
        w.WriteRaw(ctx.EventFields.WrittenSpan[bid.Fields]);             // 16 Fields
        var priced = bid.Priced;
        w.Write(priced.FloorCpmUsd);                                     // 17 FloorCpmUsd
        w.Write(priced.ValueCpmUsd);                                     // 18 ValueCpmUsd
        w.WriteString(priced.Rule switch                                 // 19 Pricing
        {
            BidPricingRule.Model => "model"u8,
            BidPricingRule.Fixed => "fixed"u8,
            _ => "value"u8,
        });
        w.Write(priced.Explored);                                        // 20 Explored
        if (double.IsNaN(priced.WinProbability))                         // 21 WinProbability
        {
            w.WriteNil();
        }
        else
        {
            w.Write(priced.WinProbability);
        }

        w.Flush();
    }

    /// <summary>Writes the present fields of <paramref name="values"/> as the event's map of field name to value, in schema order.</summary>
    public static void WriteFields(IBufferWriter<byte> output, FieldValues values)
    {
        scoped var w = new MessagePackWriter(output);
        var schema = values.Schema;
        var present = 0;
        for (var i = 0; i < schema.Count; i++)
        {
            present += values.IsMissing(i) ? 0 : 1;
        }

        w.WriteMapHeader(present);
        for (var i = 0; i < schema.Count; i++)
        {
            if (!values.IsMissing(i))
            {
                w.WriteString(schema[i].Utf8Name.Span);
                w.WriteString(values.Get(i));
            }
        }

        w.Flush();
    }
}
