using Sharpgres.Tests.Infrastructure;
using System.Text.RegularExpressions;

namespace Sharpgres.Pool.Tests;

/// <summary>Tests that capture Console.Out run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console";
}

/// <summary>
/// docs/pool.md can't rot: its ```csharp blocks are DocsSample.cs line for line, and running it prints what the
/// comment at the end of each Console.WriteLine line says.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class DocsSampleTests
{
    [GeneratedRegex(@"^```csharp\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    private static string RepoFile(string path)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sharpgres.sln"))) dir = dir.Parent;
        return File.ReadAllText(Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Sharpgres.sln not found"), path));
    }

    private static List<string> DocLines() =>
        string.Join("\n\n", CSharpBlock().Matches(RepoFile("docs/pool.md")).Select(m => m.Groups["code"].Value.TrimEnd('\n'))).Split('\n').ToList();

    [Fact]
    public void The_docs_csharp_blocks_are_the_sample_line_for_line()
    {
        var doc = DocLines();
        var sample = RepoFile("tests/Sharpgres.Pool.Tests/DocsSample.cs").Split('\n');
        var begin = Array.FindIndex(sample, l => l.Trim() == "// docs/pool.md begins");
        var end = Array.FindIndex(sample, l => l.Trim() == "// docs/pool.md ends");
        Assert.True(begin >= 0 && end > begin, "markers missing in DocsSample.cs");
        var code = sample[(begin + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.TrimStart()).ToList();
        for (var i = 0; i < Math.Max(doc.Count, code.Count); i++)
            Assert.True(i < doc.Count && i < code.Count && doc[i] == code[i],
                $"docs/pool.md and DocsSample.cs differ at line {i + 1} of the blocks:\n  doc:    {(i < doc.Count ? doc[i] : "(none)")}\n  sample: {(i < code.Count ? code[i] : "(none)")}");
    }

    [Fact]
    public async Task The_sample_runs_and_prints_what_its_comments_say()
    {
        var expected = DocLines().Where(l => l.Contains("Console.WriteLine(", StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf(" // ", StringComparison.Ordinal) + 4)..].Trim()).ToList();
        var db = new DatabaseFixture();
        var printed = new StringWriter();
        var console = Console.Out;
        Console.SetOut(printed);
        try { await DocsSample.RunAsync(db.ConnString).WaitAsync(TimeSpan.FromSeconds(60)); }
        finally
        {
            Console.SetOut(console);
            db.Dispose();
        }
        Assert.Equal(expected, printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }
}
