using System.CommandLine;

namespace Tutorial;

/// <summary>The command line: <c>[suppliers|guide|people|all] [--conninfo CONNINFO]</c>; <c>--help</c> lists the walkthroughs.</summary>
public static class TutorialCommand
{
    public static RootCommand Create()
    {
        var walkthrough = new Argument<string>("walkthrough")
        {
            Description = "Which walkthrough to run: " + string.Join(", ", TutorialRunner.Walkthroughs.Select(w => w.Name)) + $" or {TutorialRunner.All}",
            DefaultValueFactory = _ => TutorialRunner.All,
            HelpName = string.Join("|", TutorialRunner.Walkthroughs.Select(w => w.Name)) + "|" + TutorialRunner.All,
        };
        walkthrough.AcceptOnlyFromAmong([.. TutorialRunner.Walkthroughs.Select(w => w.Name), TutorialRunner.All]);
        var conninfo = new Option<string?>("--conninfo")
        {
            Description = "The server to use, as a libpq conninfo string or URI (needs the right to create databases). "
                + "Default: the PG* environment variables or ./db_info.ini, else a throwaway server started for the run.",
        };
        var description = "The tutorials of shared/seeds, step by step in C# with Sharpgres: each step prints the C# line "
            + "that ran and what it shows. Walkthroughs, in the order 'all' runs them:\n"
            + string.Join("\n", TutorialRunner.Walkthroughs.Select(w => $"  {w.Name,-10} {w.Summary}"));
        var root = new RootCommand(description) { walkthrough, conninfo };
        root.SetAction(result =>
            TutorialRunner.Run(result.GetValue(walkthrough)!, result.GetValue(conninfo), result.InvocationConfiguration.Output));
        return root;
    }

    /// <summary>Parses and runs; help, parse errors and the walkthroughs all print to <paramref name="output"/>.</summary>
    public static int Invoke(string[] args, TextWriter output, TextWriter? error = null) =>
        Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error ?? output });
}
