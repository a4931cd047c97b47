using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Sharpgres.TestSupport;

/// <summary>
/// Issue 16's password scan over a whole test run: every exception thrown in the test process (its message and
/// <c>ToString()</c>, at first chance, so caught ones count too) and every log line the driver writes at Information
/// or above (through <see cref="Pg.LoggerFactory"/>) is searched for a password: a <c>password=</c> /
/// <c>Password =</c> value that isn't masked, or any password registered with <see cref="Register"/> (the TempServers'
/// random ones, the tests' role passwords). Each leak is appended at once to <c>TestResults/secrets-&lt;pid&gt;.tsv</c>
/// (masked), and the number of texts scanned at process exit; <c>.ci/run</c> adds them up into its "secrets:" line and
/// fails the run on a leak. Linked into every test project by tests/Directory.Build.props.
/// (Debug-level lines are not produced here: turning them on would send every test through the telemetry path; the
/// telemetry tests, which do turn them on, run with this scan as their logger's sink too.)
/// </summary>
public static partial class SecretScan
{
    private static readonly ConcurrentDictionary<string, byte> Secrets = new(StringComparer.Ordinal);
    private static readonly object FileGate = new();
    private static long _scanned;
    [ThreadStatic] private static bool _scanning;

    private static readonly string FilePath = Path.Combine(RepoRoot(), "TestResults", $"secrets-{Environment.ProcessId}.tsv");

    /// <summary>The logger factory that scans what it is given (Information and above); tests that swap Pg.LoggerFactory put this one back.</summary>
    public static ILoggerFactory LoggerFactory { get; } = new ScanningLoggerFactory();

    [ModuleInitializer]
    internal static void Install()
    {
        foreach (var known in new[] { "hunter2", "it's a Secret", "keypass" }) Register(known);
        AppDomain.CurrentDomain.FirstChanceException += (_, e) => Scan("exception " + e.Exception.GetType().Name, e.Exception);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Append($"scanned\t{Interlocked.Read(ref _scanned).ToString(CultureInfo.InvariantCulture)}");
        if (Pg.LoggerFactory is Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory) Pg.LoggerFactory = LoggerFactory;
    }

    /// <summary>A password that must never appear in an exception or a log line (at least 6 characters, to avoid noise).</summary>
    public static void Register(string? password)
    {
        if (password is { Length: >= 6 }) Secrets.TryAdd(password, 0);
    }

    /// <summary>Where <paramref name="text"/> shows a password, as a masked excerpt; null when it shows none.</summary>
    public static string? FindLeak(string text)
    {
        foreach (Match m in PasswordValue().Matches(text))
        {
            var value = m.Groups["value"].Value;
            if (value.Trim('*', '\'', '"').Length > 0) return Excerpt(text, m.Index, m.Length);
        }
        foreach (var secret in Secrets.Keys)
            if (text.IndexOf(secret, StringComparison.Ordinal) is var at and >= 0) return Excerpt(text, at, secret.Length);
        return null;
    }

    // password=value, sslpassword=value, Password = value (ADO.NET); a value of asterisks is the masked form.
    [GeneratedRegex(@"password\s*=\s*(?<value>'[^']*'|""[^""]*""|[^\s;,)]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordValue();

    private static string Excerpt(string text, int at, int length)
    {
        var start = Math.Max(0, at - 60);
        var end = Math.Min(text.Length, at + length + 20);
        var shown = text[start..at] + "<SECRET>" + text[(at + length)..end];
        return shown.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
    }

    internal static void Scan(string source, object? item)
    {
        if (_scanning || item is null) return;
        if (item is Exception { } e && e.GetType().Namespace?.StartsWith("Xunit", StringComparison.Ordinal) == true) return;   // a failing assert quotes the test's own strings
        _scanning = true;
        try
        {
            Interlocked.Increment(ref _scanned);
            var text = item is Exception ex ? ex.Message + "\n" + ex : item.ToString() ?? "";
            if (FindLeak(text) is { } leak) Append($"leak\t{source}\t{leak}");
        }
        catch { /* a scan must never change what the test sees */ }
        finally { _scanning = false; }
    }

    private static void Append(string line)
    {
        try
        {
            lock (FileGate)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                File.AppendAllText(FilePath, line + "\n");
            }
        }
        catch (IOException) { }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sharpgres.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }

    private sealed class ScanningLoggerFactory : ILoggerFactory, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            Scan("log " + eventId.Name, formatter(state, exception));
            if (exception is not null) Scan("log exception", exception);
        }
    }
}
