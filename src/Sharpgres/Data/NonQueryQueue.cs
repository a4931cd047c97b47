using Sharpgres.Protocol.Frontend;

namespace Sharpgres.Data;

/// <summary>
/// Pipelined non-queries. Dapper's <c>ExecuteAsync(sql, list, flags: CommandFlags.Pipelined)</c> calls
/// <c>ExecuteNonQueryAsync</c> for up to 100 items before awaiting any. Instead of refusing the second call while the
/// first runs ("a command is already in progress"), calls made meanwhile are bound at once and queued; when the
/// connection comes free, everything queued goes out in one flush with a Sync after each command (so each succeeds
/// or fails alone, as it would one by one) and is read back in order: one round trip per chunk. A caller awaiting one
/// at a time (the usual case) never queues: it pays one uncontended lock.
/// </summary>
internal sealed class NonQueryQueue(SharpgresConnection connection)
{
    private sealed record Queued(string Sql, BoundParameters Parameters, int Timeout, TaskCompletionSource<int> Result);

    private readonly Lock _lock = new();
    private List<Queued> _queued = [];
    private bool _running;

    /// <summary>
    /// False: nothing runs, the caller runs its command itself (and must call <see cref="Release"/> after). True: a
    /// non-query is running; this one is queued behind it and <paramref name="result"/> completes when it has run.
    /// </summary>
    public bool TryQueue(Func<List<(string Sql, BoundParameters Parameters)>> bind, int timeout, out Task<int> result)
    {
        lock (_lock)
        {
            if (!_running)
            {
                _running = true;
                result = null!;
                return false;
            }
            var statements = bind();
            if (statements.Count != 1)
                throw new InvalidOperationException("a command is already in progress on this connection (only single-statement commands queue behind a running ExecuteNonQueryAsync)");
            var queued = new Queued(statements[0].Sql, statements[0].Parameters, timeout, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
            _queued.Add(queued);
            result = queued.Result.Task;
            return true;
        }
    }

    /// <summary>The caller's own command is done: what queued meanwhile is sent (in the background), else the queue is free.</summary>
    public void Release()
    {
        lock (_lock)
        {
            if (_queued.Count == 0) { _running = false; return; }
        }
        _ = SendQueuedAsync();
    }

    private async Task SendQueuedAsync()
    {
        while (true)
        {
            List<Queued> group;
            lock (_lock)
            {
                if (_queued.Count == 0) { _running = false; return; }
                group = _queued;
                _queued = [];
            }
            await RunAsync(group).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(List<Queued> group)
    {
        CommandRun? run = null;
        try
        {
            var statements = group.ConvertAll(q => (q.Sql, q.Parameters));
            run = await CommandRun.StartAsync(connection.Inner, statements, prepare: false, PgOperationKind.Batch, async: true,
                CancellationToken.None, syncEach: true).ConfigureAwait(false);
            connection.StartTimeout(run, group.Max(q => q.Timeout));
            await run.DrainAsync(true).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            foreach (var q in group) q.Result.TrySetException(e);
            return;
        }
        finally
        {
            if (run is not null) connection.StopTimeout(run);
        }
        for (var i = 0; i < group.Count; i++)
        {
            if (run.ErrorOf(i) is { } error) group[i].Result.TrySetException(error);
            else group[i].Result.TrySetResult((int)Math.Min(int.MaxValue, CommandRun.Affected(run.TagOf(i))));
        }
    }
}
