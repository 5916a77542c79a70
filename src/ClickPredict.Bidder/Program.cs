using ClickPredict.Bidder.Hosting;

var app = BidderApplication.Build(args);
// Before the server starts and opens its first socket (see InlineSockets).
InlineSockets.Apply(app.Configuration);
app.Run();

/// <summary>The bidder's entry point; public and partial so tests can host the real app.</summary>
public partial class Program;
