using ClickPredict.Bidder.Hosting;

BidderApplication.Build(args).Run();

/// <summary>The bidder's entry point; public and partial so tests can host the real app.</summary>
public partial class Program;
