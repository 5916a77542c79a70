using ClickPredict.Cli.Backtest;
using ClickPredict.Core.Data;
using ClickPredict.Core.Features;

namespace ClickPredict.Cli.Tests.Backtest;

public class ExampleTableTests
{
    [Fact]
    public void Load_KeepsEveryRowsValuesLabelAndTime_InFileOrder()
    {
        using var reader = ExampleReader.Open(CliRunner.Avazu, DataFormat.Avazu);
        var table = ExampleTable.Load(reader, maxRows: 500);
        Assert.Equal(500, table.Count);

        using var again = ExampleReader.Open(CliRunner.Avazu, DataFormat.Avazu);
        var values = new FieldValues(FieldSchema.Avazu);
        var row = 0;
        long positives = 0;
        while (again.Read() && row < 500)
        {
            table.Fill(row, values);
            Assert.Equal(again.Values.ToString(), values.ToString());
            Assert.Equal(again.Label, table.Label(row));
            Assert.Equal(again.Time, table.Time(row));
            positives += again.Label ? 1 : 0;
            row++;
        }

        Assert.Equal(positives, table.Positives);
        Assert.Equal(table.Labels(0, 500).Count(c => c), positives);
    }

    [Fact]
    public void Fill_KeepsMissingFieldsMissing_AndReplacesWhatTheValuesHeld()
    {
        var table = new ExampleTable(FieldSchema.OpenRtb);
        var values = new FieldValues(FieldSchema.OpenRtb);
        values.Set(OpenRtbFields.SiteDomain, "example.com");
        values.Set(OpenRtbFields.CreativeId, "cr-1");
        table.Add(values, clicked: true, time: null);
        values.Clear();
        values.Set(OpenRtbFields.AppBundle, "com.example.app");
        table.Add(values, clicked: false, time: DateTimeOffset.FromUnixTimeMilliseconds(1_000));

        var target = new FieldValues(FieldSchema.OpenRtb);
        target.Set(OpenRtbFields.DeviceOs, "android");
        table.Fill(0, target);
        Assert.Equal("site.domain=example.com creative.id=cr-1", target.ToString());
        Assert.True(target.IsMissing(OpenRtbFields.DeviceOs));
        Assert.Null(table.Time(0));
        table.Fill(1, target);
        Assert.Equal("app.bundle=com.example.app", target.ToString());
        Assert.Equal(1_000, table.Time(1)!.Value.ToUnixTimeMilliseconds());
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Fill(2, target));
        Assert.Throws<ArgumentException>(() => table.Add(new FieldValues(FieldSchema.Avazu), false, null));
    }

    [Fact]
    public void ReplaceWithNoise_IsSeededUniformAndTouchesOnlyItsField()
    {
        using var reader = ExampleReader.Open(CliRunner.Avazu, DataFormat.Avazu);
        var table = ExampleTable.Load(reader, maxRows: 5_000);
        var field = FieldSchema.Avazu.GetField("day_of_week");
        var before = new FieldValues(FieldSchema.Avazu);
        table.Fill(7, before);

        table.ReplaceWithNoise(field, 10, seed: 1);
        var values = new FieldValues(FieldSchema.Avazu);
        var counts = new int[10];
        var first = new List<string>();
        for (var row = 0; row < table.Count; row++)
        {
            table.Fill(row, values);
            var noise = int.Parse(values.GetString(field.Index)!, System.Globalization.CultureInfo.InvariantCulture);
            counts[noise]++;
            if (row < 50)
            {
                first.Add(values.GetString(field.Index)!);
            }
        }

        // 5,000 draws of 10 values: each near 500 (a 5-sigma band is about +-106).
        Assert.All(counts, c => Assert.InRange(c, 394, 606));
        table.Fill(7, values);
        Assert.Equal(before.GetString(FieldSchema.Avazu.GetField("site_id").Index), values.GetString(FieldSchema.Avazu.GetField("site_id").Index));

        // The same seed draws the same noise; another seed other noise.
        table.ReplaceWithNoise(field, 10, seed: 1);
        Assert.Equal(first, Enumerable.Range(0, 50).Select(r => { table.Fill(r, values); return values.GetString(field.Index)!; }));
        table.ReplaceWithNoise(field, 10, seed: 2);
        Assert.NotEqual(first, Enumerable.Range(0, 50).Select(r => { table.Fill(r, values); return values.GetString(field.Index)!; }));
    }
}
