// The tutorials in shared/seeds, step by step in C#: dotnet run --project samples/Tutorial [-- suppliers|guide|people|all]
return Tutorial.TutorialCommand.Invoke(args, Console.Out, Console.Error);
