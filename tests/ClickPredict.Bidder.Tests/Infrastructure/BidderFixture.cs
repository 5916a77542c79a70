namespace ClickPredict.Bidder.Tests.Infrastructure;

/// <summary>A bidder with the shipped campaigns and a test model as registry champion, shared by a test class.</summary>
public sealed class BidderFixture : IDisposable
{
    public BidderFixture()
    {
        Factory = new BidderFactory();
        Model = TestModels.Create(seed: 1);
        Factory.Publish(Model);
        _ = Factory.Client;
    }

    public BidderFactory Factory { get; }

    public ClickPredict.Core.Model.LogisticModel Model { get; }

    public HttpClient Client => Factory.Client;

    public void Dispose() => Factory.Dispose();
}
