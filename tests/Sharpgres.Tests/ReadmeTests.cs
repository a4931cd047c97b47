using System.Reflection;
using System.Text.RegularExpressions;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Tests;

/// <summary>Tests that capture Console.Out run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

/// <summary>
/// The README can't rot: its ```csharp blocks, joined by a blank line, are samples/Readme/Tour.cs — a program the build
/// compiles and this test runs against the test server, checking that every Console.WriteLine prints what the comment
/// at the end of its line says (up to an optional " — explanation").
/// </summary>
[Collection(ConsoleCollection.Name)]
public partial class ReadmeTests
{
    private static IReadOnlyList<string> Blocks(string language) =>
        FencedBlock().Matches(Repo.Read("README.md")).Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["code"].Value).ToList();

    [GeneratedRegex(@"^```(?<lang>\w*)\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [Fact]
    public void The_readme_csharp_blocks_are_the_tour_program()
    {
        var blocks = Blocks("csharp");
        Assert.NotEmpty(blocks);
        var readme = string.Join("\n\n", blocks.Select(b => b.TrimEnd('\n'))).Split('\n');
        var tour = Repo.Read("samples/Readme/Tour.cs").TrimEnd('\n').Split('\n');
        var i = 0;
        while (i < readme.Length && i < tour.Length && readme[i] == tour[i]) i++;
        Assert.True(i == readme.Length && i == tour.Length,
            "README.md's ```csharp blocks, joined by a blank line, must be samples/Readme/Tour.cs line for line (edit both).\n" +
            $"First difference at line {i + 1} of Tour.cs:\n" +
            $"  README:  {(i < readme.Length ? readme[i] : "(no more lines)")}\n" +
            $"  Tour.cs: {(i < tour.Length ? tour[i] : "(no more lines)")}");
    }

    [Fact]
    public void The_tour_runs_and_prints_what_its_comments_say()
    {
        var expected = Blocks("csharp").SelectMany(b => b.Split('\n'))
            .Where(l => l.Contains("Console.WriteLine(", StringComparison.Ordinal))
            .Select(l =>
            {
                var comment = l.LastIndexOf(" // ", StringComparison.Ordinal);
                Assert.True(comment >= 0, $"every Console.WriteLine line of the README ends with a comment saying what it prints:\n  {l}");
                return l[(comment + 4)..].Split(" — ")[0].Trim();
            })
            .ToList();

        var database = Db.CreateDatabase("tour");
        var printed = new StringWriter();
        var console = Console.Out;
        Console.SetOut(printed);
        try
        {
            var entry = Assembly.Load("Readme").EntryPoint!;
            entry.Invoke(null, [new[] { Db.ConnString(database) }]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new Xunit.Sdk.XunitException($"the tour failed: {e.InnerException}\nit printed:\n{printed}");
        }
        finally
        {
            Console.SetOut(console);
            Db.DropDatabase(database);
        }
        var lines = printed.ToString().Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        Assert.Equal(expected, lines);
    }

    [Fact]
    public void The_quick_start_is_two_commands()
    {
        var commands = Blocks("sh").First().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('#')[0].Trim()).ToList();
        Assert.Equal(["dotnet run --project samples/Tutorial", "dotnet test"], commands);
    }
}
