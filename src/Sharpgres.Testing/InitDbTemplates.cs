using System.Collections.Concurrent;

namespace Sharpgres.Testing;

/// <summary>
/// One initdb per process and per (binaries, superuser, password): the first cluster that asks runs initdb and keeps a
/// copy of the fresh data directory; later ones copy it (<c>cp -a</c>, a fraction of a second) instead of running
/// initdb again (seconds, and most of a cluster's startup on a loaded machine). Used by <see cref="TempCluster"/>,
/// whose nodes all share one password. Templates are deleted at process exit (or by the next run's
/// <see cref="StaleClusterCleaner"/>).
/// </summary>
internal static class InitDbTemplates
{
    private static readonly ConcurrentDictionary<(string Bin, string User, string Password), SemaphoreSlim> Gates = new();
    private static readonly ConcurrentDictionary<(string Bin, string User, string Password), string> Templates = new();

    static InitDbTemplates() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var root in Templates.Values.Select(d => Path.GetDirectoryName(d)!))
        {
            try { Directory.Delete(root, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    };

    /// <summary>
    /// Fills <paramref name="dataDirectory"/> from the template for this key, creating the template with
    /// <paramref name="initDb"/> (which must initdb into <paramref name="dataDirectory"/>) the first time.
    /// </summary>
    public static async Task FillAsync((string Bin, string User, string Password) key, string dataDirectory, string baseDirectory,
        Func<Task> initDb, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Templates.TryGetValue(key, out var template))
            {
                await CopyAsync(template, dataDirectory, cancellationToken).ConfigureAwait(false);
                return;
            }
            await initDb().ConfigureAwait(false);
            var files = ClusterFiles.Create(baseDirectory);
            await CopyAsync(dataDirectory, files.DataDirectory, cancellationToken).ConfigureAwait(false);
            Templates[key] = files.DataDirectory;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary><c>cp -a from/. to</c>: contents, modes and owners (the server user's) kept.</summary>
    private static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        var cp = ServerUser.FindSystemProgram("cp") ?? throw new TempServerException("'cp' was not found to copy the initdb template");
        var result = await CommandRunner.RunAsync(cp, ["-a", from + "/.", to], TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded) throw new TempServerException($"copying the initdb template failed.{Environment.NewLine}{result.Describe()}");
    }
}
