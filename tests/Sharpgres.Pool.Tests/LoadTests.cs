using Sharpgres.Tests.Infrastructure;
using System.Collections.Concurrent;

namespace Sharpgres.Pool.Tests;

/// <summary>Many callers over few connections: nobody ever shares a connection, and the stats add up.</summary>
public sealed class LoadTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Sixty_four_tasks_over_maxSize_8_make_10000_checkouts_and_no_connection_is_ever_shared()
    {
        await using var pool = new ConnectionPool(db.ConnString, minSize: 2, maxSize: 8, timeout: TimeSpan.FromSeconds(60), autocommit: true);
        const int tasks = 64, perTask = 10_000 / tasks + 1;
        var total = 0;
        var holders = new ConcurrentDictionary<int, int>();   // backend pid → the task holding it
        var violations = new ConcurrentQueue<string>();
        var pids = new ConcurrentDictionary<int, byte>();

        void Hold(Connection conn, int task)
        {
            var pid = conn.Info.BackendPid;
            pids.TryAdd(pid, 0);
            if (!holders.TryAdd(pid, task)) violations.Enqueue($"pid {pid} handed to task {task} while task {holders.GetValueOrDefault(pid)} holds it");
        }

        void Release(Connection conn, int task)
        {
            if (!holders.TryRemove(new KeyValuePair<int, int>(conn.Info.BackendPid, task))) violations.Enqueue($"task {task} lost its pid");
        }

        var work = Enumerable.Range(0, tasks).Select(t => t % 2 == 0
            ? Task.Run(() =>
            {
                for (var i = 0; i < perTask && Interlocked.Increment(ref total) <= 10_000; i++)
                {
                    using var conn = pool.Connection();
                    Hold(conn, t);
                    if (i % 16 == 0) conn.Execute("SELECT %s::int", i);
                    Release(conn, t);
                }
            })
            : Task.Run(async () =>
            {
                for (var i = 0; i < perTask && Interlocked.Increment(ref total) <= 10_000; i++)
                {
                    await using var conn = await pool.ConnectionAsync();
                    Hold(conn, t);
                    if (i % 16 == 0) await conn.ExecuteAsync("SELECT %s::int", [i]);
                    Release(conn, t);
                }
            })).ToArray();
        await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Empty(violations);
        var stats = pool.GetStats();
        Assert.Equal(10_000, stats["requests_num"]);
        Assert.Equal(0, stats["requests_errors"]);
        Assert.Equal(0, stats["returns_bad"]);
        Assert.Equal(0, stats["requests_waiting"]);
        Assert.InRange(stats["pool_size"], 2, 8);
        Assert.Equal(stats["pool_size"], stats["pool_available"]);   // everything given back
        Assert.Equal(stats["connections_num"], stats["pool_size"]);  // nothing lost, nothing replaced
        Assert.True(pids.Count <= 8, $"{pids.Count} distinct backends");
        Assert.True(stats["requests_queued"] <= stats["requests_num"]);
    }
}
