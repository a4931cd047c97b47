using System.Diagnostics;
using System.Text;

namespace Sharpgres.Testing;

internal sealed record CommandResult(string CommandLine, int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() =>
        $"Command: {CommandLine}{Environment.NewLine}Exit code: {ExitCode}{Environment.NewLine}" +
        $"stderr: {Trimmed(StdErr)}{Environment.NewLine}stdout: {Trimmed(StdOut)}";

    private static string Trimmed(string text) => text.Length == 0 ? "(empty)" : text.TrimEnd();
}

/// <summary>Runs a command to completion with a timeout, capturing its output.</summary>
internal static class CommandRunner
{
    public static async Task<CommandResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken,
        string? workingDirectory = null)
    {
        var commandLine = Format(fileName, arguments);
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "/",
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);

        // libpq and the server read PG* variables (PGPORT, PGDATA, PGHOST...); a developer's shell must not leak
        // into the throwaway cluster. Messages in English keep failures readable and greppable.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("PG", StringComparison.Ordinal)).ToList())
            startInfo.Environment.Remove(name);
        startInfo.Environment["LC_ALL"] = "C";

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };

        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            throw new TempServerException($"Could not run {commandLine}: {e.Message}", e);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            cancellationToken.ThrowIfCancellationRequested();
            throw new TempServerException(
                $"Command timed out after {timeout.TotalSeconds:0} s: {commandLine}{Environment.NewLine}stderr: {Snapshot(stderr)}");
        }

        return new CommandResult(commandLine, process.ExitCode, Snapshot(stdout), Snapshot(stderr));
    }

    public static CommandResult Run(string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null) =>
        RunAsync(fileName, arguments, timeout, CancellationToken.None, workingDirectory).GetAwaiter().GetResult();

    private static string Snapshot(StringBuilder builder)
    {
        lock (builder) return builder.ToString();
    }

    private static string Format(string fileName, IReadOnlyList<string> arguments) =>
        string.Join(' ', arguments.Prepend(fileName).Select(a => a.Length > 0 && a.All(c => !char.IsWhiteSpace(c) && c != '\'' && c != '"') ? a : $"'{a.Replace("'", "'\\''")}'"));
}
