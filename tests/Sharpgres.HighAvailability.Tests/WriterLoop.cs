using System.Collections.Concurrent;
using System.Diagnostics;
using Sharpgres.Errors;

namespace Sharpgres.HighAvailability.Tests;

/// <summary>
/// Inserts numbered rows one transaction each, as an application would, and keeps the books: which ids the caller
/// saw committed (Commit returned), which failed with an OperationalError (never committed), which got CommitUnknown.
/// </summary>
internal sealed class WriterLoop(Func<CancellationToken, Task<Connection>> checkout, Func<Connection, Task> giveBack)
{
    private readonly ConcurrentBag<int> committed = [];
    private readonly ConcurrentBag<int> failed = [];
    private readonly ConcurrentBag<int> unknown = [];
    private readonly ConcurrentQueue<(int Id, Error Error)> errors = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<TimeSpan> commitTimes = new();
    private readonly ConcurrentQueue<(TimeSpan At, int Port)> commitPorts = new();
    private int nextId;

    public IReadOnlyCollection<int> Committed => committed;
    public IReadOnlyCollection<int> Failed => failed;
    public IReadOnlyCollection<int> Unknown => unknown;
    public IEnumerable<(int Id, Error Error)> Errors => errors;

    /// <summary>The server port of every commit after <paramref name="after"/>.</summary>
    public IEnumerable<int> PortsOfCommitsAfter(TimeSpan after) => commitPorts.Where(c => c.At > after).Select(c => c.Port);

    /// <summary>The loop's clock, which commit times are read on.</summary>
    public TimeSpan Now => clock.Elapsed;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var id = Interlocked.Increment(ref nextId);
            Connection? conn = null;
            try
            {
                conn = await checkout(stop);
                await conn.ExecuteAsync("INSERT INTO writes (id) VALUES (%s)", [id]);
                await conn.CommitAsync();
                committed.Add(id);
                commitTimes.Enqueue(clock.Elapsed);
                commitPorts.Enqueue((clock.Elapsed, conn.Info.Port));
            }
            catch (CommitUnknown e)
            {
                unknown.Add(id);
                errors.Enqueue((id, e));
            }
            catch (OperationalError e)
            {
                failed.Add(id);
                errors.Enqueue((id, e));
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                failed.Add(id);   // stopped while waiting for a connection: nothing was sent
            }
            finally
            {
                if (conn is not null) await giveBack(conn);
            }
        }
    }

    /// <summary>Waits (bounded) for <paramref name="count"/> commits after <paramref name="after"/>; returns when the first one returned.</summary>
    public TimeSpan WaitForCommitsAfter(TimeSpan after, int count, TimeSpan timeout)
    {
        Wait.Until(() => commitTimes.Count(t => t > after) >= count, timeout, $"{count} commits after {after.TotalSeconds:0.00} s");
        return commitTimes.Where(t => t > after).Min();
    }
}
