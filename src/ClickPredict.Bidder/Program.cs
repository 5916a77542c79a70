using ClickPredict.Bidder.Api;
using ClickPredict.Bidder.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddBidder();

var app = builder.Build();
app.MapServiceDefaults();
app.MapBidApi();
app.MapAdminApi();
app.MapStatusApi();
app.Run();

/// <summary>The bidder's entry point; public and partial so tests can host the real app.</summary>
public partial class Program;
