namespace Sharpgres.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (README.md, docs/, samples/).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sharpgres.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Sharpgres.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>A file's text with \n line ends.</summary>
    public static string Read(string relativePath) =>
        File.ReadAllText(Path.Combine(Root, relativePath)).Replace("\r\n", "\n");
}
