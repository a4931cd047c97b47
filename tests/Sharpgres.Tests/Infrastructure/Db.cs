using Sharpgres.Testing;

namespace Sharpgres.Tests.Infrastructure;

/// <summary>
/// Access to the test run's server: the shared TempServer (or SHARPGRES_TEST_CONNINFO), fresh databases for test
/// classes, and admin connections over the Unix socket (trust) for setting things up.
/// </summary>
public static class Db
{
    private static int _counter;

    /// <summary>The conninfo for a database on the shared test server, over TCP with a password.</summary>
    public static string ConnString(string database = "postgres") =>
        TestServer.IsExternal
            ? ConnectionInfo.Parse(TestServer.ExternalConnectionString!).With("dbname", database).ToConnectionString(includePassword: true)
            : Registered(TestServer.Shared).ConnectionString(database);

    /// <summary>The server, its password registered with the run's password scan (issue 16).</summary>
    private static TempServer Registered(TempServer server)
    {
        Sharpgres.TestSupport.SecretScan.Register(server.Password);
        return server;
    }

    public static Connection Admin(string database = "postgres") => Pg.Connect(ConnString(database), autocommit: true);

    /// <summary>Creates an empty database with a unique name and returns its name.</summary>
    public static string CreateDatabase(string prefix)
    {
        var name = $"{prefix.ToLowerInvariant()}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        using var admin = Admin();
        admin.Execute($"DROP DATABASE IF EXISTS {name}");
        admin.Execute($"CREATE DATABASE {name}");
        return name;
    }

    public static void DropDatabase(string name)
    {
        using var admin = Admin();
        admin.Execute($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    }

    /// <summary>Waits for a condition without sleeping blindly: polls with a bounded timeout (default 20 s).</summary>
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

    /// <summary>pg_terminate_backend of <paramref name="pid"/>, from an admin connection.</summary>
    public static void Terminate(int pid)
    {
        using var admin = Admin();
        admin.Execute("SELECT pg_terminate_backend(%s)", pid);
    }
}

/// <summary>A database of its own for one test class; dropped at the end.</summary>
public sealed class DatabaseFixture : IDisposable
{
    public DatabaseFixture() => Name = Db.CreateDatabase("t");

    public string Name { get; }

    public string ConnString => Db.ConnString(Name);

    public Connection Connect(bool autocommit = false) => Pg.Connect(ConnString, autocommit: autocommit);

    public Task<Connection> ConnectAsync(bool autocommit = false) => Pg.ConnectAsync(ConnString, autocommit: autocommit);

    public void Dispose()
    {
        try { Db.DropDatabase(Name); } catch (Error) { /* the server may be gone at the end of the run */ }
    }
}
