using Sharpgres.Testing;

namespace Sharpgres.Pool.Tests;

/// <summary>The test run's server (this process's TempServer, or SHARPGRES_TEST_CONNINFO) and a database per test class.</summary>
public static class PoolDb
{
    private static int _counter;

    public static string ConnString(string database = "postgres") =>
        TestServer.IsExternal
            ? ConnectionInfo.Parse(TestServer.ExternalConnectionString!).With("dbname", database).ToConnectionString(includePassword: true)
            : TestServer.Shared.ConnectionString(database);

    public static Connection Admin(string database = "postgres") => Pg.Connect(ConnString(database), autocommit: true);

    public static string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        using var admin = Admin();
        admin.Execute($"DROP DATABASE IF EXISTS {name}");
        admin.Execute($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary>Waits for a condition with a bounded timeout (polling, never a blind sleep).</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan? timeout = null, string what = "condition")
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} not met in time");
            Thread.Sleep(10);
        }
    }

    /// <summary>Backend pids of the sessions connected to <paramref name="database"/>, seen from another connection.</summary>
    public static int[] Backends(string database)
    {
        using var admin = Admin();
        return admin.Execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", database)
            .FetchAll().Select(r => r.Get<int>(0)).ToArray();
    }

    public static void Terminate(int pid)
    {
        using var admin = Admin();
        admin.Execute("SELECT pg_terminate_backend(%s)", pid);
    }
}

/// <summary>A database of its own for one test class.</summary>
public sealed class PoolDatabase : IDisposable
{
    public PoolDatabase() => Name = PoolDb.CreateDatabase("pool");

    public string Name { get; }
    public string ConnString => PoolDb.ConnString(Name);

    public void Dispose()
    {
        try
        {
            using var admin = PoolDb.Admin();
            admin.Execute($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
        }
        catch (Error) { /* the server may be gone at the end of the run */ }
    }
}
