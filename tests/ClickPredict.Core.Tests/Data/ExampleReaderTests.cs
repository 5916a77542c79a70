using System.IO.Compression;
using System.Text;
using ClickPredict.Core.Data;
using ClickPredict.Core.Events;
using ClickPredict.Core.Features;
using ClickPredict.Core.Simulation;

namespace ClickPredict.Core.Tests.Data;

public class ExampleReaderTests
{
    private static string Shared(string relative) => Path.Combine(TestData.SharedData, relative);

    private static ExampleReader FromText(string text, DataFormat format) =>
        ExampleReader.Open(new MemoryStream(Encoding.UTF8.GetBytes(text)), format, "test.txt");

    private static (long Rows, long Clicks) Count(ExampleReader reader)
    {
        long rows = 0, clicks = 0;
        while (reader.Read())
        {
            rows++;
            clicks += reader.Label ? 1 : 0;
        }

        return (rows, clicks);
    }

    [Theory]
    [InlineData("avazu/avazu_train_head9999.csv", DataFormat.Avazu, 9999, 1706)]
    [InlineData("ipinyou/ipinyou_2997_decoded_train.tsv", DataFormat.IPinYou, 26773, 255)]
    [InlineData("ipinyou/ipinyou_raw_2821_sample100.tsv", DataFormat.IPinYou, 100, 1)]
    [InlineData("criteo/criteo_sample193.txt", DataFormat.Criteo, 193, 49)]
    public void Read_SharedDataSets_CountsRowsAndClicksOfTheirReadme(string file, DataFormat format, long rows, long clicks)
    {
        using var reader = ExampleReader.Open(Shared(file), format);
        Assert.Equal((rows, clicks), Count(reader));
        Assert.Equal(rows, reader.Count);
    }

    [Fact]
    public void Read_Criteo_MapsColumnsAndKeepsEmptyAsMissing()
    {
        using var reader = ExampleReader.Open(Shared("criteo/criteo_sample193.txt"), DataFormat.Criteo);
        Assert.True(reader.Read());
        var v = reader.Values;
        var schema = FieldSchema.Criteo;
        Assert.False(reader.Label);
        Assert.True(v.IsMissing(schema.GetField("I1").Index));
        Assert.Equal("3", v.GetString(schema.GetField("I2").Index));
        Assert.Equal("17668", v.GetString(schema.GetField("I5").Index));
        Assert.Equal("05db9164", v.GetString(schema.GetField("C1").Index));
        Assert.True(v.IsMissing(schema.GetField("C26").Index));
    }

    [Fact]
    public void Read_Avazu_DerivesHourAndDayAndTime()
    {
        using var reader = ExampleReader.Open(Shared("avazu/avazu_train_head9999.csv"), DataFormat.Avazu);
        Assert.True(reader.Read());
        var v = reader.Values;
        var schema = FieldSchema.Avazu;
        Assert.Equal(new DateTimeOffset(2014, 10, 21, 0, 0, 0, TimeSpan.Zero), reader.Time);
        Assert.Equal("0", v.GetString(schema.GetField("hour_of_day").Index));
        Assert.Equal("2", v.GetString(schema.GetField("day_of_week").Index)); // a Tuesday
        Assert.Equal("1fbe01fe", v.GetString(schema.GetField("site_id").Index));
        Assert.Equal("79", v.GetString(schema.GetField("C21").Index));
    }

    [Fact]
    public void Read_IPinYouDecoded_SplitsUserAgentAndBuildsSlotSize()
    {
        using var reader = ExampleReader.Open(Shared("ipinyou/ipinyou_2997_decoded_train.tsv"), DataFormat.IPinYou);
        Assert.True(reader.Read());
        var v = reader.Values;
        var s = FieldSchema.IPinYou;
        Assert.Equal("android_safari", v.GetString(s.GetField("useragent").Index));
        Assert.Equal("android", v.GetString(s.GetField("os").Index));
        Assert.Equal("safari", v.GetString(s.GetField("browser").Index));
        Assert.Equal("320x50", v.GetString(s.GetField("slotsize").Index));
        Assert.Equal("60.22.69.*", v.GetString(s.GetField("ip").Index));
        Assert.Equal("1-10", v.GetString(s.GetField("slotprice_bucket").Index));
        Assert.True(v.IsMissing(s.GetField("adexchange").Index), "'null' is missing");
        Assert.Null(reader.Time);
    }

    [Fact]
    public void Read_IPinYouRaw_MapsOntoTheDecodedFields()
    {
        using var reader = ExampleReader.Open(Shared("ipinyou/ipinyou_raw_2821_sample100.tsv"), DataFormat.IPinYou);
        Assert.True(reader.Read());
        var v = reader.Values;
        var s = FieldSchema.IPinYou;
        Assert.Equal(new DateTimeOffset(2013, 10, 21, 21, 0, 2, 124, TimeSpan.Zero), reader.Time);
        Assert.Equal("21", v.GetString(s.GetField("hour").Index));
        Assert.Equal("1", v.GetString(s.GetField("weekday").Index)); // a Monday
        Assert.Equal("windows_ie", v.GetString(s.GetField("useragent").Index));
        Assert.Equal("960x90", v.GetString(s.GetField("slotsize").Index));
        Assert.Equal("11-50", v.GetString(s.GetField("slotprice_bucket").Index)); // slotprice 30
        Assert.Equal("10717", v.GetString(s.GetField("creative").Index));
        Assert.Equal("2821", v.GetString(s.GetField("advertiser").Index));
        Assert.Equal(100, Count(reader).Rows + 1);
    }

    [Theory]
    [InlineData("0\t1\t2\n", DataFormat.Criteo, "test.txt:1: expected 40 tab-separated columns (label, I1-I13, C1-C26), found 3")]
    [InlineData("id,click,hour\n1,0,14102100\n2,x,14102100\n", DataFormat.Avazu, "test.txt:3: the click label 'x' is not 0, 1 or a click count")]
    [InlineData("id,click,hour\n1,0,14102100\n2,0\n", DataFormat.Avazu, "test.txt:3: expected 3 comma-separated columns as in the header, found 2")]
    [InlineData("id,click,hour\n1,0,14133100\n", DataFormat.Avazu, "test.txt:2: hour '14133100' is not YYMMDDHH")]
    [InlineData("id,site_id\n1,a\n", DataFormat.Avazu, "test.txt:1: the header lacks the 'click' or 'hour' column")]
    [InlineData("", DataFormat.Avazu, "test.txt: the file is empty")]
    [InlineData("a\tb\n", DataFormat.IPinYou, "test.txt:1: neither a decoded iPinYou header")]
    [InlineData("click\tweekday\n0\t2\n1\n", DataFormat.IPinYou, "test.txt:3: expected 2 tab-separated columns, found 1")]
    public void Read_MalformedRow_NamesFileAndLine(string text, DataFormat format, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() =>
        {
            using var reader = FromText(text, format);
            while (reader.Read())
            {
            }
        });
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Read_CriteoBadInteger_NamesTheColumn()
    {
        var row = "1\t" + string.Join('\t', Enumerable.Range(0, 13).Select(i => i == 2 ? "x7" : "1")) + "\t" + string.Join('\t', Enumerable.Repeat("ab", 26));
        var e = Assert.Throws<DataFormatException>(() =>
        {
            using var reader = FromText("0\t" + row[2..] + "\n" + row, DataFormat.Criteo);
            while (reader.Read())
            {
            }
        });
        Assert.Equal("test.txt:1: column I3: 'x7' is not an integer", e.Message);
    }

    [Fact]
    public void Read_CrLfAndNoTrailingNewline_AreAccepted()
    {
        using var reader = FromText("id,click,hour\r\n1,0,14102100\r\n2,1,14102101", DataFormat.Avazu);
        Assert.Equal((2L, 1L), Count(reader));
    }

    [Fact]
    public void Read_OverlongLine_IsReportedNotBuffered()
    {
        var text = "id,click,hour\n1,0," + new string('9', 2 << 20) + "\n";
        var e = Assert.Throws<DataFormatException>(() =>
        {
            using var reader = FromText(text, DataFormat.Avazu);
            reader.Read();
        });
        Assert.Equal("test.txt: line 2 is longer than 1048576 bytes", e.Message);
    }

    [Fact]
    public void Open_MissingFile_NamesIt()
    {
        var e = Assert.Throws<DataFormatException>(() => ExampleReader.Open("/nonexistent/data.csv", DataFormat.Avazu));
        Assert.StartsWith("/nonexistent/data.csv: cannot open", e.Message);
    }

    [Fact]
    public void Open_Gzip_IsDecompressed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"cp-{Guid.NewGuid():N}.csv.gz");
        try
        {
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            {
                var source = File.ReadAllBytes(Shared("avazu/avazu_train_head9999.csv"));
                gzip.Write(source);
            }

            using var reader = ExampleReader.Open(path, DataFormat.Avazu);
            Assert.Equal((9999L, 1706L), Count(reader));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_LargeCriteoStream_AllocatesNothingPerRow()
    {
        // A long generated Criteo stream reads in constant memory: no allocation per row once warmed up.
        var row = Encoding.UTF8.GetBytes("1\t5\t-1\t\t3\t17668\t\t1\t33\t\t2\t\t\t0\t05db9164\t08d6d899\t9143c832\tf56b7dd5\t25c83c98\t7e0ccccf\tdf5c2d18\t0b153874\ta73ee510\t8f48ce11\ta7b606c4\tae1bb660\teae197fd\tb28479f6\tbfef54b3\tbad5ee18\te5ba7672\t87c6f83c\t\t\t0429f84b\t\t3a171ecb\tc0d61a5c\t\t\n");
        using var reader = ExampleReader.Open(new RepeatingStream(row, 200_000), DataFormat.Criteo, "generated");
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(reader.Read());
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var rows = 0;
        while (reader.Read())
        {
            rows++;
        }

        Assert.Equal(199_000, rows);
        // Constant, not per row: one byte per row would already be 199 KB. (Tiered JIT promotion
        // can account a few hundred bytes to this thread while the loop runs.)
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 4096);
    }

    [Fact]
    public void Read_Events_ReturnsLoggedFieldsExactly()
    {
        var examples = new SimulatedExamples(new TrafficSimulator(new SimulatorOptions { Seed = 5 }));
        var written = new List<LabeledExample>();
        using var stream = new MemoryStream();
        for (var i = 0; i < 200; i++)
        {
            var e = examples.Next();
            written.Add(e);
            EventSerializer.Serialize(stream, e);
        }

        stream.Position = 0;
        using var reader = (EventExampleReader)ExampleReader.Open(stream, DataFormat.Events, "events.mp");
        var n = 0;
        while (reader.Read())
        {
            Assert.Equal(written[n].Fields.OrderBy(p => p.Key), reader.Values.ToDictionary().OrderBy(p => p.Key));
            Assert.Equal(written[n].Clicked, reader.Label);
            Assert.Equal(written[n].TrueCtr, reader.Current!.TrueCtr);
            n++;
        }

        Assert.Equal(200, n);
    }

    [Fact]
    public void Read_TruncatedEvents_NamesTheExample()
    {
        using var stream = new MemoryStream();
        EventSerializer.Serialize(stream, new LabeledExample { BidId = "a" });
        EventSerializer.Serialize(stream, new LabeledExample { BidId = "b", Fields = new() { ["site.domain"] = "x" } });
        var bytes = stream.ToArray()[..^3];
        var e = Assert.Throws<DataFormatException>(() =>
        {
            using var reader = ExampleReader.Open(new MemoryStream(bytes), DataFormat.Events, "events.mp");
            while (reader.Read())
            {
            }
        });
        Assert.StartsWith("events.mp: example 2 is truncated", e.Message);
    }

    [Theory]
    [InlineData("criteo", DataFormat.Criteo)]
    [InlineData("IPINYOU", DataFormat.IPinYou)]
    [InlineData("events", DataFormat.Events)]
    public void TryParseFormat_KnowsTheNames(string name, DataFormat expected)
    {
        Assert.True(ExampleReader.TryParseFormat(name, out var format));
        Assert.Equal(expected, format);
        Assert.False(ExampleReader.TryParseFormat("parquet", out _));
        Assert.False(ExampleReader.TryParseFormat("7", out _));
    }

    /// <summary>A read-only stream that repeats one row, so a long file costs no disk or memory.</summary>
    private sealed class RepeatingStream(byte[] row, int times) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => (long)row.Length * times;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && _position < Length)
            {
                var at = (int)(_position % row.Length);
                var take = Math.Min(count - n, row.Length - at);
                Array.Copy(row, at, buffer, offset + n, take);
                n += take;
                _position += take;
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
