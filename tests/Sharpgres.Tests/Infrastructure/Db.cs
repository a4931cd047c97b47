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
            : TestServer.Shared.ConnectionString(database);

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

    /// <summary>Waits for a condition without sleeping blindly: polls with a bounded timeout.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met in time");
            Thread.Sleep(20);
        }
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
