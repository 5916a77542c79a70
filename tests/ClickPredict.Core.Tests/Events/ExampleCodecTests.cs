using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Simulation;
using MessagePack;

namespace ClickPredict.Core.Tests.Events;

public class ExampleCodecTests
{
    private static BidEvent Bid(Dictionary<string, string> fields, string bidId = "b-1") => new()
    {
        BidId = bidId, RequestId = "r1", ImpId = "1", TimeUnixMs = 1_700_000_000_123, Exchange = "sim",
        ModelId = "ctr", ModelVersion = 17, SpecFingerprint = "00ff00ff", PCtr = 0.0123456789, PriceCpm = 1.2345m,
        Currency = "USD", AuctionType = 2, CampaignId = "c", CreativeId = "cr", AdvertiserId = "a", Fields = fields,
    };

    /// <summary>What the joiner wrote before the codec: decode the bid, build the example, encode it.</summary>
    private static byte[] ThroughObjects(string bidId, byte[] bidEvent, long impressionTime, long? clickTime)
    {
        var bid = EventSerializer.Deserialize<BidEvent>(bidEvent);
        return EventSerializer.Serialize(new LabeledExample
        {
            BidId = bidId, Clicked = clickTime is not null, BidTimeUnixMs = bid.TimeUnixMs, ImpressionTimeUnixMs = impressionTime,
            ClickTimeUnixMs = clickTime, ModelId = bid.ModelId, ModelVersion = bid.ModelVersion, PCtr = bid.PCtr,
            Schema = bid.Schema, Fields = bid.Fields, SpecFingerprint = bid.SpecFingerprint,
        });
    }

    [Fact]
    public void WriteExample_OnSimulatedBids_IsByteForByteWhatTheObjectsEncodeTo()
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 11 }));
        for (var i = 0; i < 500; i++)
        {
            var simulated = examples.Next();
            var raw = EventSerializer.Serialize(Bid(simulated.Fields, "bid-" + i));
            long? click = i % 3 == 0 ? 1_700_000_005_000 + i : null;

            var written = ExampleCodec.WriteExample("bid-" + i, raw, 1_700_000_001_000 + i, click);

            Assert.Equal(ThroughObjects("bid-" + i, raw, 1_700_000_001_000 + i, click), written);
        }
    }

    [Fact]
    public void WriteExample_NullAndMissingParts_DecodeAsTheObjectsWould()
    {
        // Null strings and fields, and an older, shorter bid array (no schema, no fields).
        var nulls = EventSerializer.Serialize(new BidEvent { BidId = "b", TimeUnixMs = 5, ModelId = null!, SpecFingerprint = null!, Schema = null!, Fields = null! });
        Assert.Equal(ThroughObjects("b", nulls, 6, null), ExampleCodec.WriteExample("b", nulls, 6, null));

        var shortArray = Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(4);
            w.Write("b");
            w.Write("r");
            w.Write("1");
            w.Write(42L);
        });
        var example = EventSerializer.Deserialize<LabeledExample>(ExampleCodec.WriteExample("b", shortArray, 43, 44));
        Assert.Equal((42L, 43L, 44L, true, "openrtb", 0, 0, string.Empty), (example.BidTimeUnixMs, example.ImpressionTimeUnixMs, example.ClickTimeUnixMs!.Value, example.Clicked, example.Schema, example.Fields.Count, example.ModelVersion, example.ModelId));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xc1 })]
    [InlineData(new byte[] { 0xa3, 0x61, 0x62, 0x63 })]
    [InlineData(new byte[] { 0x94, 0xa1, 0x62, 0xa1, 0x72, 0xa1, 0x31 })]
    public void WriteExample_Garbage_ThrowsEventFormatException(byte[] bytes) =>
        Assert.Throws<EventFormatException>(() => ExampleCodec.WriteExample("b", bytes, 1, null));

    [Fact]
    public void WriteExample_FieldsThatAreNotStrings_AreRefusedAsTheDictionaryFormatterRefusesThem()
    {
        var valid = EventSerializer.Serialize(Bid([]));
        var numberValue = WithKey(valid, 16, (ref MessagePackWriter w) =>
        {
            w.WriteMapHeader(1);
            w.Write("site.domain");
            w.Write(7);
        });
        Assert.Throws<EventFormatException>(() => EventSerializer.Deserialize<BidEvent>(numberValue));
        var e = Assert.Throws<EventFormatException>(() => ExampleCodec.WriteExample("b", numberValue, 1, null));
        Assert.Contains("not a string", e.Message, StringComparison.Ordinal);

        var stringPctr = WithKey(valid, 8, (ref MessagePackWriter w) => w.Write("high"));
        Assert.Throws<EventFormatException>(() => EventSerializer.Deserialize<BidEvent>(stringPctr));
        Assert.Throws<EventFormatException>(() => ExampleCodec.WriteExample("b", stringPctr, 1, null));
    }

    [Fact]
    public void ReadExample_LoadsWhatTheDictionaryPathLoads()
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 12 }));
        var direct = new FieldValues(FieldSchema.OpenRtb);
        var loaded = new FieldValues(FieldSchema.OpenRtb);
        for (var i = 0; i < 500; i++)
        {
            var example = examples.Next();
            example.Fields["no.such.field"] = "ignored";
            example.Fields[FieldSchema.OpenRtb[0].Name] = string.Empty;
            example.ModelVersion = i;
            example.PCtr = i / 1000.0;
            var bytes = EventSerializer.Serialize(example);

            var head = ExampleCodec.ReadExample(bytes, direct);

            var decoded = EventSerializer.Deserialize<LabeledExample>(bytes);
            loaded.Load(decoded.Fields);
            Assert.Equal(new ExampleHead(decoded.Clicked, decoded.BidTimeUnixMs, decoded.ImpressionTimeUnixMs, decoded.ModelVersion, decoded.PCtr), head);
            Assert.Equal(loaded.ToString(), direct.ToString());
            Assert.True(direct.IsMissing(0));
        }
    }

    [Fact]
    public void ReadExample_ClearsWhatThePreviousExampleLeft()
    {
        var values = new FieldValues(FieldSchema.OpenRtb);
        ExampleCodec.ReadExample(EventSerializer.Serialize(new LabeledExample { Fields = new() { ["site.domain"] = "a.com", ["device.os"] = "ios" } }), values);
        ExampleCodec.ReadExample(EventSerializer.Serialize(new LabeledExample { Fields = new() { ["site.domain"] = "b.com" } }), values);
        Assert.Equal("site.domain=b.com", values.ToString());
    }

    [Fact]
    public void ReadExample_OfAnotherSchema_IsRefusedNamingBoth()
    {
        var bytes = EventSerializer.Serialize(new LabeledExample { Schema = "criteo", Fields = new() { ["C1"] = "x" } });
        var e = Assert.Throws<EventFormatException>(() => ExampleCodec.ReadExample(bytes, new FieldValues(FieldSchema.OpenRtb)));
        Assert.Equal("fields of schema 'criteo', expected 'openrtb'", e.Message);
        var criteo = new FieldValues(FieldSchema.Criteo);
        ExampleCodec.ReadExample(bytes, criteo);
        Assert.Equal("C1=x", criteo.ToString());
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0xc1 })]
    [InlineData(new byte[] { 0x93, 0x01 })]
    [InlineData(new byte[] { 0x92, 0xa1, 0x62, 0x07 })]
    [InlineData(new byte[] { 0x91, 0xa1, 0x62, 0x00 })]
    public void ReadExample_Garbage_ThrowsEventFormatException(byte[] bytes) =>
        Assert.Throws<EventFormatException>(() => ExampleCodec.ReadExample(bytes, new FieldValues(FieldSchema.OpenRtb)));

    [Fact]
    public void Codec_MutatedAndTruncatedBytes_EitherDecodeOrThrowEventFormatException()
    {
        // A poison message must be counted as malformed, never stop the joiner or the learner.
        var random = new Random(3);
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 13 }));
        var values = new FieldValues(FieldSchema.OpenRtb);
        for (var i = 0; i < 2_000; i++)
        {
            var simulated = examples.Next();
            var bytes = i % 2 == 0 ? EventSerializer.Serialize(Bid(simulated.Fields)) : EventSerializer.Serialize(simulated);
            var mutated = bytes.AsSpan(0, random.Next(bytes.Length + 1)).ToArray();
            for (var flips = random.Next(4); flips > 0 && mutated.Length > 0; flips--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }

            var thrown = Record.Exception(() =>
            {
                if (i % 2 == 0)
                {
                    ExampleCodec.WriteExample("b", mutated, 1, null);
                }
                else
                {
                    ExampleCodec.ReadExample(mutated, values);
                }
            });
            Assert.True(thrown is null or EventFormatException, $"case {i}: {thrown}");
        }
    }

    [Fact]
    public void Codec_KeysMatchTheContracts()
    {
        // The codec reads and writes by key number: a contract change must show up here.
        static int Key<T>(string property) => ((KeyAttribute)typeof(T).GetProperty(property)!.GetCustomAttributes(typeof(KeyAttribute), false)[0]).IntKey!.Value;
        Assert.Equal((3, 5, 6, 7, 8, 15, 16), (Key<BidEvent>("TimeUnixMs"), Key<BidEvent>("ModelId"), Key<BidEvent>("ModelVersion"), Key<BidEvent>("SpecFingerprint"), Key<BidEvent>("PCtr"), Key<BidEvent>("Schema"), Key<BidEvent>("Fields")));
        Assert.Equal((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (Key<LabeledExample>("BidId"), Key<LabeledExample>("Clicked"), Key<LabeledExample>("BidTimeUnixMs"), Key<LabeledExample>("ImpressionTimeUnixMs"), Key<LabeledExample>("ClickTimeUnixMs"), Key<LabeledExample>("ModelId"), Key<LabeledExample>("ModelVersion"), Key<LabeledExample>("PCtr"), Key<LabeledExample>("Schema"), Key<LabeledExample>("Fields"), Key<LabeledExample>("TrueCtr"), Key<LabeledExample>("SpecFingerprint")));
        Assert.Equal(12, typeof(LabeledExample).GetProperties().Length);
    }

    /// <summary><paramref name="valid"/> (a MessagePack array) with element <paramref name="key"/> replaced by what <paramref name="write"/> writes.</summary>
    private static byte[] WithKey(byte[] valid, int key, MessagePackWriterAction write) => Encode((ref MessagePackWriter w) =>
    {
        var reader = new MessagePackReader(valid);
        var count = reader.ReadArrayHeader();
        w.WriteArrayHeader(count);
        for (var i = 0; i < count; i++)
        {
            if (i == key)
            {
                reader.Skip();
                write(ref w);
            }
            else
            {
                w.WriteRaw(reader.ReadRaw());
            }
        }
    });

    private static byte[] Encode(MessagePackWriterAction write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate void MessagePackWriterAction(ref MessagePackWriter writer);
}
