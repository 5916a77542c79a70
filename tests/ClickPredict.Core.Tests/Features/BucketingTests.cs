using System.Text;
using ClickPredict.Core.Features;

namespace ClickPredict.Core.Tests.Features;

public class BucketingTests
{
    [Theory]
    [InlineData(1.0, 0)]
    [InlineData(1.99, 0)]
    [InlineData(2.0, 1)]
    [InlineData(8.0, 3)]
    [InlineData(0.5, -1)]
    [InlineData(0.26, -2)]
    public void Log_Base2_FloorsTheLogarithm(double value, int bucket) => Assert.Equal(bucket, Bucketing.Log(2).Bucket(value));

    [Fact]
    public void Log_ZeroNegativeAndInvalid_HaveBucketsOfTheirOwn()
    {
        var b = Bucketing.Log(2);
        Assert.Equal(Bucketing.Zero, b.Bucket(0.0));
        Assert.Equal(Bucketing.Negative, b.Bucket(-3.0));
        Assert.Equal(Bucketing.Invalid, b.Bucket(double.NaN));
        Assert.Equal(Bucketing.Invalid, b.Bucket("abc"u8));
        Assert.Equal(Bucketing.Invalid, b.Bucket("1.5x"u8));
        Assert.Equal(0, b.Bucket("1.5"u8));
    }

    [Theory]
    [InlineData(-1.0, -1)]
    [InlineData(0.0, 0)]
    [InlineData(2.0, 2)]
    [InlineData(3.0, 1)] // floor(ln(3)^2) = floor(1.2069) = 1
    [InlineData(100.0, 21)] // floor(ln(100)^2) = floor(21.2076) = 21
    [InlineData(17668.0, 95)] // floor(ln(17668)^2) = floor(95.77) = 95
    public void Criteo_SquaresTheLogAboveTwo(double value, int bucket) => Assert.Equal(bucket, Bucketing.Criteo().Bucket(value));

    [Theory]
    [InlineData(-5.0, 0)]
    [InlineData(0.0, 1)]
    [InlineData(0.99, 1)]
    [InlineData(1.0, 2)]
    [InlineData(5.0, 3)]
    [InlineData(50.0, 3)]
    public void Edges_CountsBoundariesAtOrBelow(double value, int bucket) => Assert.Equal(bucket, Bucketing.FromEdges([0, 1, 5]).Bucket(value));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.49, 0)]
    [InlineData(0.5, 1)]
    [InlineData(-0.1, -1)]
    public void Linear_DividesByWidth(double value, int bucket) => Assert.Equal(bucket, Bucketing.Linear(0.5).Bucket(value));

    [Fact]
    public void Bucket_HugeValues_StayBounded()
    {
        Assert.Equal(1_000_000, Bucketing.Linear(1e-300).Bucket(1e300));
        Assert.Equal(Bucketing.Invalid, Bucketing.Linear(1).Bucket(Encoding.UTF8.GetBytes("1e400")));
    }
}
