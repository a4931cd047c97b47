using System.Text.RegularExpressions;
using Sharpgres.Tests.Infrastructure;

namespace Sharpgres.Data.Tests;

/// <summary>
/// README.md's "Dapper and ADO.NET" section can't rot: its ```cs blocks are the marked parts of samples/Dapper/Program.cs
/// (between "// --- readme ---" lines, indentation removed), and the sample runs against the test server printing
/// what the comment at the end of each Console.WriteLine line says.
/// </summary>
public sealed partial class DapperSampleTests(AdoFixture db) : IClassFixture<AdoFixture>
{
    [GeneratedRegex(@"^```cs\n(?<code>.*?)^```$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CsBlock();

    /// <summary>The ```cs blocks of the "Dapper and ADO.NET" section only (other sections, e.g. Install, have their own).</summary>
    private static List<string> ReadmeBlocks()
    {
        var readme = Repo.Read("README.md");
        var start = readme.IndexOf("\n## Dapper and ADO.NET", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"## Dapper and ADO.NET\" section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? readme[start..] : readme[start..end];
        return CsBlock().Matches(section).Select(m => m.Groups["code"].Value.TrimEnd('\n')).ToList();
    }

    private static List<string> SampleBlocks()
    {
        var parts = Repo.Read("samples/Dapper/Program.cs").Split("// --- readme ---\n");
        var blocks = new List<string>();
        for (var i = 1; i < parts.Length; i += 2)
        {
            var lines = parts[i].TrimEnd('\n', ' ').Split('\n');
            var indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            blocks.Add(string.Join('\n', lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart())).TrimEnd());
        }
        return blocks;
    }

    [Fact]
    public void The_readme_cs_blocks_are_the_sample()
    {
        var readme = ReadmeBlocks();
        Assert.NotEmpty(readme);
        Assert.Equal(SampleBlocks(), readme);
    }

    [Fact]
    public void The_sample_runs_and_prints_what_its_comments_say()
    {
        var expected = ReadmeBlocks().SelectMany(b => b.Split('\n'))
            .Where(l => l.Contains("Console.WriteLine(", StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf(" // ", StringComparison.Ordinal) + 4)..].Trim())
            .ToList();
        var output = new StringWriter();
        Sharpgres.Samples.Dapper.Program.Run(db.ConnectionString, output);
        Assert.Equal(expected, output.ToString().TrimEnd('\n').Split('\n'));
    }
}
