using System.Diagnostics;
using System.Globalization;

namespace Sharpgres.Tests.Infrastructure;

/// <summary>
/// A fault scenario: an action that must end (usually with an exact exception) within a bound. Each run appends one
/// line to <c>TestResults/faults-&lt;pid&gt;.tsv</c> (name, elapsed ms, bound ms, hang 0/1, silent commits, lost rows);
/// <c>.ci/run</c> adds those lines up into its "faults: N scenarios, H hangs, S silent commits, L lost rows" line.
/// A scenario still running at its bound is a hang: it is recorded as one and the test fails (the stuck call is
/// left behind on its own thread, so the rest of the suite still runs).
/// </summary>
public static class Scenario
{
    private static readonly object Gate = new();
    private static readonly string FilePath = Path.Combine(Repo.Root, "TestResults", $"faults-{Environment.ProcessId}.tsv");

    /// <summary>Runs a synchronous scenario on its own thread and waits for it at most <paramref name="bound"/>.</summary>
    public static T Run<T>(string name, TimeSpan bound, Func<T> act)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Factory.StartNew(act, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(bound)) Hang(name, bound, watch);
        Write(name, watch.Elapsed, bound, hang: false, 0, 0);
        return task.GetAwaiter().GetResult();
    }

    public static void Run(string name, TimeSpan bound, Action act) => Run(name, bound, () => { act(); return 0; });

    /// <summary>Runs an asynchronous scenario and waits for it at most <paramref name="bound"/>.</summary>
    public static async Task<T> RunAsync<T>(string name, TimeSpan bound, Func<Task<T>> act)
    {
        var watch = Stopwatch.StartNew();
        var task = Task.Run(act);
        if (await Task.WhenAny(task, Task.Delay(bound)) != task) Hang(name, bound, watch);
        Write(name, watch.Elapsed, bound, hang: false, 0, 0);
        return await task;
    }

    public static Task RunAsync(string name, TimeSpan bound, Func<Task> act) => RunAsync(name, bound, async () => { await act(); return 0; });

    /// <summary>
    /// Records what a server-fault scenario counted after the fact: commits the caller was told succeeded that are not
    /// on the server, and rows the caller was told are stored that are missing. Zero is the only passing value; the
    /// test asserts it too, this only feeds the figure.
    /// </summary>
    public static void Count(string name, int silentCommits, int lostRows) => Write(name + " (count)", TimeSpan.Zero, TimeSpan.Zero, false, silentCommits, lostRows, counted: true);

    private static void Hang(string name, TimeSpan bound, Stopwatch watch)
    {
        Write(name, watch.Elapsed, bound, hang: true, 0, 0);
        throw new TimeoutException($"scenario '{name}' still running after its bound of {bound.TotalSeconds:0.#} s: a hang");
    }

    private static void Write(string name, TimeSpan elapsed, TimeSpan bound, bool hang, int silentCommits, int lostRows, bool counted = false)
    {
        var line = string.Join('\t', counted ? "count" : "scenario", name.Replace('\t', ' '),
            ((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ((long)bound.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            hang ? "1" : "0", silentCommits.ToString(CultureInfo.InvariantCulture), lostRows.ToString(CultureInfo.InvariantCulture));
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.AppendAllText(FilePath, line + "\n");
        }
    }
}
