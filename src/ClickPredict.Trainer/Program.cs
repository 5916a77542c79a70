using ClickPredict.Trainer.Hosting;

TrainerApplication.Build(args).Run();

/// <summary>The trainer's entry point; public and partial so tests can host the real app.</summary>
public partial class Program;
