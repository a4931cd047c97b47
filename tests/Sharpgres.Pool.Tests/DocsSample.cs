using Sharpgres.Errors;

namespace Sharpgres.Pool.Tests;

/// <summary>docs/pool.md's ```csharp blocks, joined by a blank line, between the markers (DocsSampleTests checks and runs it).</summary>
internal static class DocsSample
{
    public static async Task RunAsync(string conninfo)
    {
        // docs/pool.md begins
        await using var pool = new ConnectionPool(conninfo, minSize: 2, maxSize: 10, timeout: TimeSpan.FromSeconds(5), name: "app",
            configure: conn => { conn.Execute("SET application_name = 'app'"); conn.Commit(); },
            check: ConnectionPool.CheckConnection);
        pool.Wait(TimeSpan.FromSeconds(30));   // optional: fail fast if the server is unreachable

        using (var conn = pool.Connection())
        {
            conn.Execute("CREATE TABLE visits (page text)");
            conn.Execute("INSERT INTO visits VALUES (%s)", "/home");
            conn.Commit();   // the using form never commits for you
        }

        pool.Connection(conn => conn.Execute("INSERT INTO visits VALUES (%s)", "/about"));
        var visits = pool.Connection(conn => conn.Execute("SELECT count(*) FROM visits").FetchOne<long>());
        Console.WriteLine(visits); // 2

        await using (var aconn = await pool.ConnectionAsync())
            Console.WriteLine((await aconn.ExecuteAsync("SELECT current_setting('application_name')")).FetchOne<string>()); // app
        await pool.ConnectionAsync(async conn => await conn.ExecuteAsync("INSERT INTO visits VALUES (%s)", ["/async"]));

        using (var conn = pool.Connection())
            conn.Execute("INSERT INTO visits VALUES (%s)", "/lost");   // no Commit
        Console.WriteLine(pool.Connection(conn => conn.Execute("SELECT count(*) FROM visits").FetchOne<long>())); // 3

        using var small = new ConnectionPool(conninfo, minSize: 1, timeout: TimeSpan.FromMilliseconds(200), name: "small");
        using (var held = small.Connection())
        {
            try { small.Connection(); }
            catch (PoolTimeout e) { Console.WriteLine(e.Message.StartsWith("couldn't get a connection from pool 'small' after")); } // True
        }
        Console.WriteLine(pool.GetStats()["requests_num"]); // 7
        // docs/pool.md ends
    }
}
