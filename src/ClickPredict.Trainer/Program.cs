using ClickPredict.ServiceDefaults;
using ClickPredict.Trainer.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTrainer();

var app = builder.Build();
app.MapServiceDefaults();
app.MapTrainerApi();
app.Run();

/// <summary>The trainer's entry point; public and partial so tests can host the real app.</summary>
public partial class Program;
