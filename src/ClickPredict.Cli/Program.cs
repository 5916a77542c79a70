using ClickPredict.Cli;

// The clickpredict command line; everything lives in CliApp and one file per command under Commands/.
return CliApp.Run(args, Console.Out, Console.Error);
